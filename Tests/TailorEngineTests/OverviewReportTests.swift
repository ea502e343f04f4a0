import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// A small shop around a daylight-saving change in Paris (29 March 2026: a 23-hour day) whose every overview
/// figure is counted by hand.
struct OverviewShop {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    static func at(_ text: String) -> Date { ISO8601.parse(text)! }

    /// Day 0 is 28 March (Paris: 27 Mar 23:00Z – 28 Mar 23:00Z), day 1 the 23-hour 29 March (to 29 Mar 22:00Z), day 2 30 March.
    static let messages: [TailorCore.Message] = {
        func email(_ name: String, _ user: String, _ at: String, _ p: JSONObject = [:], campaign: String = "c1", id: String) -> TailorCore.Message {
            var properties = p
            properties["campaign_id"] = .string(campaign)
            return .track(name, userId: user, properties: properties, at: Self.at(at), messageId: id)
        }
        func order(_ user: String, _ at: String, _ revenue: Double, id: String) -> TailorCore.Message {
            .track("Order Completed", userId: user, properties: ["order_id": .string(id), "revenue": .number(revenue)], at: Self.at(at), messageId: id)
        }
        return [
            .identify(userId: "u1", traits: ["vip": true], at: at("2026-03-27T12:00:00Z"), messageId: "i1"),  // before the range
            .identify(userId: "u2", traits: ["vip": true], at: at("2026-03-28T10:00:00Z"), messageId: "i2"),  // new on day 0
            .identify(userId: "u4", traits: ["vip": false], at: at("2026-03-29T22:30:00Z"), messageId: "i4"),  // new on day 2
            email("Email Clicked", "u3", "2026-03-27T22:00:00Z", id: "e0"),  // before the range: a touch for o3
            email("Email Sent", "u1", "2026-03-28T08:00:00Z", id: "s1"),
            email("Email Sent", "u2", "2026-03-28T08:00:00Z", id: "s2"),
            email("Email Delivered", "u1", "2026-03-28T08:00:01Z", id: "d1"),
            email("Email Delivered", "u2", "2026-03-28T08:00:01Z", id: "d2"),
            email("Email Opened", "u1", "2026-03-28T08:00:05Z", ["machine_open": true], id: "e1"),  // machine, day 0
            email("Email Opened", "u1", "2026-03-28T23:30:00Z", ["machine_open": false], id: "e2"),  // human, day 1
            email("Email Opened", "u1", "2026-03-29T10:00:00Z", id: "e3"),  // the same email again
            email("Email Clicked", "u2", "2026-03-28T08:00:02Z", id: "e4"),  // 1 s after delivery: a bot, day 0
            email("Email Clicked", "u2", "2026-03-29T21:30:00Z", id: "e5"),  // human, day 1 (its last half hour)
            email("Email Clicked", "u1", "2026-03-28T09:00:00Z", id: "e6"),  // human, day 0
            email("Email Clicked", "u1", "2026-03-28T09:30:00Z", ["machine_click": true], id: "e7"),  // flagged, day 0
            order("u1", "2026-03-29T12:00:00Z", 40, id: "o1"),  // day 1, after e6: c1's
            order("u2", "2026-03-29T21:45:00Z", 25, id: "o2"),  // day 1, after e5: c1's
            order("u3", "2026-03-30T10:00:00Z", 99, id: "o3"),  // day 2, after e0 (before the range, within 5 days)
            order("u1", "2026-03-27T20:00:00Z", 500, id: "o4"),  // before the range
            email("Email Clicked", "u1", "2026-03-30T08:00:00Z", campaign: "c2", id: "e8"),  // human, day 2, another email
            order("u1", "2026-03-30T09:00:00Z", 10, id: "o5"),  // day 2: c2's
        ]
    }()
}

@Suite("Overview report")
struct OverviewReportTests {
    @Test(arguments: TestBackend.available)
    func everyFigureEqualsAHandCount(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            _ = try await test.database.ingest(OverviewShop.messages, planner: IngestPlanner())
            let range = try DayRange(from: "2026-03-28", to: "2026-03-30", timeZone: OverviewShop.paris)
            let report = try await ReportService(stores: test.stores).overview(range)
            typealias M = OverviewReport.Metric
            let expected: [M: [Double]] = [
                .newProfiles: [1, 0, 1], .events: [9, 5, 4], .emailsSent: [2, 0, 0], .uniqueOpens: [0, 1, 0], .machineOpens: [1, 0, 0],
                .uniqueClicks: [1, 1, 1], .botClicks: [2, 0, 0], .conversions: [0, 2, 2], .revenue: [0, 65, 109],
            ]
            for (metric, days) in expected { #expect(report.series(metric) == days, "\(metric.rawValue)") }
            #expect(report.total(.revenue) == 174 && report.total(.conversions) == 4 && report.total(.events) == 18)
            let json = report.json
            #expect(json["unique_clicks"] == 3 && json["time_zone"] == "Europe/Paris" && json["from"] == "2026-03-28")
            #expect(json["daily"]?.arrayValue?.count == 3)
            #expect(report.csv.hasPrefix("date,new_profiles,events,emails_sent,unique_opens,machine_opens,unique_clicks,bot_clicks,conversions,revenue\n"
                                         + "2026-03-28,1,9,2,0,1,1,2,0,0\n"))
            #expect(report.csv.hasSuffix("total,2,18,2,1,1,3,2,4,174\n"))
            // A window of 2 days loses o3 (its click was 3.5 days before).
            let narrow = try await ReportService(stores: test.stores).overview(range, window: 2 * 86_400)
            #expect(narrow.total(.conversions) == 3 && narrow.total(.revenue) == 75)
            // In UTC, u4 (22:30Z on 29 March) is new on 29 March instead of the 30th.
            let utc = try await ReportService(stores: test.stores).overview(try DayRange(from: "2026-03-28", to: "2026-03-30", timeZone: TimeZone(identifier: "UTC")!))
            #expect(utc.series(.newProfiles) == [1, 1, 0])
        }
    }

    @Test func daysFollowTheWallClock() throws {
        let range = try DayRange(from: "2026-03-28", to: "2026-03-30", timeZone: OverviewShop.paris)
        #expect(range.days.map(\.text) == ["2026-03-28", "2026-03-29", "2026-03-30"])
        #expect(range.bounds[2].timeIntervalSince(range.bounds[1]) == 23 * 3600)
        #expect(range.day(of: OverviewShop.at("2026-03-29T21:59:59Z")) == 1 && range.day(of: OverviewShop.at("2026-03-29T22:00:00Z")) == 2)
        #expect(range.day(of: OverviewShop.at("2026-03-27T22:59:59Z")) == nil)
        #expect(throws: RequestError(.invalid, "from is a date like 2026-11-01", field: "from")) {
            try DayRange(from: "2026-02-30", to: "2026-03-01", timeZone: .gmt)
        }
        #expect(throws: RequestError(.invalid, "to comes before from", field: "to")) { try DayRange(from: "2026-03-02", to: "2026-03-01", timeZone: .gmt) }
        #expect(throws: RequestError.self) { try DayRange(from: "2025-01-01", to: "2026-01-02", timeZone: .gmt) }
        #expect(try DayRange(from: "2024-01-01", to: "2024-12-31", timeZone: .gmt).count == 366)
        let last = DayRange.last(30, now: OverviewShop.at("2026-03-30T10:00:00Z"), timeZone: OverviewShop.paris)
        #expect(last.count == 30 && last.to.text == "2026-03-30" && last.from.text == "2026-03-01")
    }
}
