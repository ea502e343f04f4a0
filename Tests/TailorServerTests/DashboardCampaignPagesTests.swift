import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

/// The overview, campaigns and report pages through the router: the numbers are the engine's, marketers create
/// and move campaigns, viewers only read, refused moves name the state.
@Suite("Dashboard overview and campaign pages")
struct DashboardCampaignPagesTests {
    static let shop = """
        {"batch": [
          {"type": "identify", "userId": "u1", "traits": {"email": "ana@shop.test", "vip": true}, "messageId": "i1", "timestamp": "2026-03-28T10:00:00Z"},
          {"type": "identify", "userId": "u2", "traits": {"email": "bo@shop.test", "vip": true}, "messageId": "i2", "timestamp": "2026-03-29T10:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Email Clicked", "properties": {"campaign_id": "old"}, "messageId": "k1", "timestamp": "2026-03-29T11:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"order_id": "o1", "revenue": 30}, "messageId": "o1", "timestamp": "2026-03-29T12:00:00Z"}
        ]}
        """

    func prepare(_ test: TestDatabase) async throws {
        _ = try await SegmentService(stores: test.stores, clock: SystemClock()).define(name: "VIPs", condition: try Condition(text: "traits.vip = true"))
        try await TemplateService(stores: test.stores, clock: SystemClock())
            .create(EmailTemplate(name: "news", subject: "News", html: "<p>Hi</p>", createdAt: Date()))
    }

    @Test(arguments: TestBackend.available)
    func theOverviewShowsTheEnginesNumbersAndKeepsABadRange(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                try await ingest(client, Self.shop)
                var browser = DashboardBrowser(client)
                let signedIn = try await browser.signIn("vic@shop.test")
                #expect(signedIn.headers[.location] == "/app/overview")
                // How fast the page answers is measured by the benchmark (Benchmarks/RESULTS.md), not here: a test
                // asserting a time fails on a loaded machine.
                let page = try await browser.get("/app/overview?from=2026-03-28&to=2026-03-30")
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                let report = try await ReportService(stores: test.stores).overview(try DayRange(from: "2026-03-28", to: "2026-03-30", timeZone: .gmt))
                #expect(report.total(.events) == 4 && report.total(.conversions) == 1)
                for m in OverviewReport.Metric.allCases {
                    let shown = m == .revenue ? String(format: "%.2f", report.total(m)) : String(Int(report.total(m)))
                    #expect(html.contains("id=\"total-\(m.rawValue)\">\(shown)<"), "\(m.rawValue)")
                }
                #expect(html.contains("<svg class=\"chart\"") && html.contains("<title id=\"chart-events-title\">Events per day</title>"))
                #expect(html.contains(#"aria-label="Main""#) && html.contains(#"href="/app/overview" aria-current="page""#))
                // The default is the last 30 days.
                #expect(String(buffer: try await browser.get("/app/overview").body).contains("30 days"))
                let bad = try await browser.get("/app/overview?from=2026-03-30&to=2026-03-01")
                let badHTML = String(buffer: bad.body)
                #expect(bad.status == .badRequest && badHTML.contains("to comes before from") && badHTML.contains(#"value="2026-03-01" aria-invalid="true""#))
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aMarketerCreatesAndMovesACampaignAndAViewerCannot(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await prepare(test)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                try await ingest(client, Self.shop)
                var mia = DashboardBrowser(client)
                _ = try await mia.signIn("mia@shop.test")
                let form = String(buffer: try await mia.get("/app/campaigns/new").body)
                #expect(form.contains(#"<option value="news">news</option>"#) && form.contains(#"name="include:vips""#))

                // No segment ticked: the form comes back with the name kept and the error at the segments.
                let missing = try await mia.post("/app/campaigns", [("name", "Spring <Sale>"), ("template", "news")])
                let missingHTML = String(buffer: missing.body)
                #expect(missing.status == .unprocessableContent && missingHTML.contains(#"id="segments-error""#))
                #expect(missingHTML.contains(#"value="Spring &lt;Sale&gt;""#))
                let created = try await mia.post("/app/campaigns", [("name", "Spring Sale"), ("template", "news"), ("include:vips", "on"), ("rate", "5")])
                #expect(created.status == .seeOther && created.headers[.location] == "/app/campaigns/spring-sale?created=1")
                let again = try await mia.post("/app/campaigns", [("name", "Spring Sale"), ("template", "news"), ("include:vips", "on")])
                #expect(again.status == .conflict)

                let list = String(buffer: try await mia.get("/app/campaigns").body)
                #expect(list.contains(">Spring Sale</a>") && list.contains(#"<td data-label="State" class="state">draft</td>"#))
                var page = String(buffer: try await mia.get("/app/campaigns/spring-sale?created=1").body)
                #expect(page.contains("Campaign created.") && page.contains(#"value="send""#) && page.contains(#"value="cancel""#), "\(page)")

                #expect(try await mia.post("/app/campaigns/spring-sale/move", [("move", "send")]).status == .seeOther)
                let status = try await CampaignService(stores: test.stores).status("spring-sale")
                #expect(status.campaign.state == .sending && status.counts.audience == 2)
                page = String(buffer: try await mia.get("/app/campaigns/spring-sale").body)
                #expect(page.contains(#"<dd id="campaign-state">sending</dd>"#) && page.contains(#"<dd id="count-audience">2</dd>"#))
                #expect(page.contains(#"<dd id="count-pending">\#(status.counts.pending)</dd>"#) && !page.contains(#"value="send""#))
                // A move the state forbids is refused, naming the state.
                let resume = try await mia.post("/app/campaigns/spring-sale/move", [("move", "resume")])
                #expect(resume.status == .conflict && String(buffer: resume.body).contains("campaign spring-sale is sending: it cannot resume"))
                #expect(try await mia.post("/app/campaigns/spring-sale/move", [("move", "pause")]).status == .seeOther)
                #expect(try await CampaignService(stores: test.stores).status("spring-sale").campaign.state == .paused)

                // A viewer reads every page but is offered no move, and a move it posts is refused.
                var vic = DashboardBrowser(client)
                _ = try await vic.signIn("vic@shop.test")
                let seen = String(buffer: try await vic.get("/app/campaigns/spring-sale").body)
                #expect(seen.contains(#"<dd id="campaign-state">paused</dd>"#) && !seen.contains("/move"))
                #expect(!String(buffer: try await vic.get("/app/campaigns").body).contains("/app/campaigns/new"))
                #expect(try await vic.get("/app/campaigns/new").status == .forbidden)
                #expect(try await vic.post("/app/campaigns/spring-sale/move", [("move", "cancel")]).status == .forbidden)
                #expect(try await vic.post("/app/campaigns/spring-sale/move", [("move", "cancel"), ("csrf_token", "forged")]).status == .forbidden)
                #expect(try await mia.post("/app/campaigns/spring-sale/move", [("move", "cancel"), ("csrf_token", "forged")]).status == .forbidden)
                #expect(try await CampaignService(stores: test.stores).status("spring-sale").campaign.state == .paused)

                // Scheduling: a time that is not one is refused and the page says so; a time (UTC) schedules.
                #expect(try await mia.post("/app/campaigns", [("name", "Later"), ("template", "news"), ("include:vips", "on")]).status == .seeOther)
                let noTime = try await mia.post("/app/campaigns/later/move", [("move", "schedule"), ("at", "tomorrow")])
                #expect(noTime.status == .unprocessableContent && String(buffer: noTime.body).contains("Give the time to send"))
                #expect(try await mia.post("/app/campaigns/later/move", [("move", "schedule"), ("at", "2030-01-02T09:30")]).status == .seeOther)
                let later = try await CampaignService(stores: test.stores).status("later").campaign
                #expect(later.state == .scheduled && later.scheduledAt == ISO8601.parse("2030-01-02T09:30:00Z"))
                #expect(try await mia.post("/app/campaigns/later/move", [("move", "fly")]).status == .badRequest)

                // The report page and its CSV are the engine's report.
                let report = try await ReportService(stores: test.stores).campaign("spring-sale", by: .segment)
                let reportPage = try await vic.get("/app/campaigns/spring-sale/report")
                let reportHTML = String(buffer: reportPage.body)
                #expect(reportPage.status == .ok && reportHTML.contains(#"id="report-recipients">\#(report.recipients)<"#))
                #expect(reportHTML.contains(#"<th scope="row" data-label="segment">vips</th>"#))
                let csv = try await vic.get("/app/campaigns/spring-sale/report.csv?by=segment")
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8" && String(buffer: csv.body) == report.csv)
                #expect(try await vic.get("/app/campaigns/spring-sale/report.csv?by=variant").status == .badRequest)
                #expect(try await vic.get("/app/campaigns/nope").status == .notFound)
            }
        }
    }
}
