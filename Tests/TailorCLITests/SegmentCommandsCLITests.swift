import Foundation
import Testing

/// Writes `lines` (Segment messages, one JSON object a line) to a file and imports it with `tailor import events`.
func importEvents(_ lines: [String], in dir: URL, environment: [String: String], file: String = "events.jsonl") async throws {
    try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
    let run = try await tailor(["import", "events", file], in: dir, environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("\(lines.count) rows read, \(lines.count) accepted"), "\(run.stdout)")
}

/// An identify message with a city.
func identify(_ user: String, city: String, id: String, at time: String = "2026-10-01T00:00:00Z") -> String {
    #"{"type":"identify","userId":"\#(user)","traits":{"city":"\#(city)"},"timestamp":"\#(time)","messageId":"\#(id)"}"#
}

/// An `Order Completed` message.
func order(_ user: String, revenue: Double, at time: String, id: String) -> String {
    #"{"type":"track","userId":"\#(user)","event":"Order Completed","properties":{"order_id":"\#(id)","revenue":\#(revenue)},"timestamp":"\#(time)","messageId":"\#(id)"}"#
}

/// The lines of an output, each trimmed of surrounding blanks.
func trimmedLines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
}

/// `tailor segment audit|count|export|run-timers|delete|rfm` run as a user would, on small known histories.
@Suite("tailor segment commands", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct SegmentCommandsCLITests {
    static let now = "2026-11-01T12:00:00Z"

    func environment(_ dir: URL) -> [String: String] {
        ["TAILOR_NOW": Self.now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path]
    }

    /// 150 profiles: 3 users and 1 anonymous visitor in New York, 2 users in Paris (pa1 with an order), 144 in Berlin.
    func loadCities(_ dir: URL, _ env: [String: String]) async throws {
        var lines = (1...3).map { identify("ny\($0)", city: "New York", id: "ny\($0)") }
        lines.append(#"{"type":"identify","anonymousId":"anon-ny","traits":{"city":"New York"},"timestamp":"2026-10-01T00:00:00Z","messageId":"anon"}"#)
        lines += (1...2).map { identify("pa\($0)", city: "Paris", id: "pa\($0)") }
        lines += (1...144).map { identify("be\($0)", city: "Berlin", id: "be\($0)") }
        lines.append(order("pa1", revenue: 40, at: "2026-10-20T10:00:00Z", id: "o-pa1"))
        try await importEvents(lines, in: dir, environment: env)
    }

    func create(_ name: String, _ condition: String, in dir: URL, _ env: [String: String]) async throws {
        let run = try await tailor(["segment", "create", name, "--where", condition], in: dir, environment: env)
        #expect(run.status == 0, "\(name): \(run.stderr)")
    }

    @Test func auditReportsSizesOverlapsWarningsAndChange() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadCities(dir, env)
        try await create("NY", #"traits.city = "New York""#, in: dir, env)
        try await create("NY Copy", #"traits.city = "New York""#, in: dir, env)
        try await create("Paris", #"traits.city = "Paris""#, in: dir, env)
        try await create("Paris Buyers", #"in segment "paris" and profile.order_count >= 1"#, in: dir, env)
        try await create("Atlantis", #"traits.city = "Atlantis""#, in: dir, env)

        let audit = try await tailor(["segment", "audit", "--record"], in: dir, environment: env)
        #expect(audit.status == 0, "\(audit.stderr)")
        let lines = trimmedLines(audit.stdout)
        #expect(lines.first == "5 segments over 150 profiles", "\(audit.stdout)")
        // Each segment's row: id, size, share, no recorded size yet.
        func row(_ id: String, in lines: [String]) -> [String]? {
            lines.first { $0.hasPrefix(id + " ") }?.split(separator: " ").map(String.init)
        }
        #expect(row("ny", in: lines) == ["ny", "4", "2.67%", "-", "-"], "\(audit.stdout)")
        #expect(row("ny-copy", in: lines) == ["ny-copy", "4", "2.67%", "-", "-"])
        #expect(row("paris", in: lines) == ["paris", "2", "1.33%", "-", "-"])
        #expect(row("paris-buyers", in: lines) == ["paris-buyers", "1", "0.67%", "-", "-"])
        #expect(row("atlantis", in: lines) == ["atlantis", "0", "0.00%", "-", "-"])
        // Overlaps that share members, largest Jaccard first; disjoint pairs are not listed.
        #expect(lines.contains("ny × ny-copy: 1.000 (4 shared)"), "\(audit.stdout)")
        #expect(lines.contains("paris × paris-buyers: 0.500 (1 shared)"))
        #expect(!lines.contains { $0.hasPrefix("ny × paris") })
        let overlapStart = try #require(lines.firstIndex(of: "overlap (Jaccard)"))
        #expect(lines[overlapStart + 1].hasPrefix("ny × ny-copy"))
        // Exactly the three warnings the definitions call for.
        let warningsStart = try #require(lines.firstIndex(of: "warnings:"), "\(audit.stdout)")
        let warnings = lines[(warningsStart + 1)...].filter { !$0.isEmpty }
        #expect(warnings == [
            "- atlantis is empty",
            "- paris-buyers is tiny: 1 profiles (0.67%); too few for an A/B test or a model",
            "- ny and ny-copy are near-duplicates (Jaccard 1.00); combine them",
        ], "\(audit.stdout)")

        // A new New Yorker arrives: the next audit shows the change since the recorded sizes.
        try await importEvents([identify("ny4", city: "New York", id: "ny4")], in: dir, environment: env, file: "more.jsonl")
        let later = try await tailor(["segment", "audit"], in: dir, environment: env)
        let laterLines = trimmedLines(later.stdout)
        #expect(laterLines.first == "5 segments over 151 profiles", "\(later.stdout)")
        #expect(row("ny", in: laterLines) == ["ny", "5", "3.31%", "+1", "+1"], "\(later.stdout)")
        #expect(row("paris", in: laterLines) == ["paris", "2", "1.32%", "=", "="])

        // The JSON form carries the same figures.
        let json = try await tailor(["segment", "audit", "--json"], in: dir, environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["profiles"] as? Double == 151)
        let segments = try #require(object["segments"] as? [[String: Any]])
        let sizes = Dictionary(uniqueKeysWithValues: segments.map { ($0["id"] as? String ?? "?", $0["size"] as? Double ?? -1) })
        #expect(sizes == ["atlantis": 0, "ny": 5, "ny-copy": 5, "paris": 2, "paris-buyers": 1])
        #expect(segments.filter { $0["core"] as? Bool == false }.compactMap { $0["id"] as? String } == ["paris-buyers"])
        #expect(segments.first { $0["id"] as? String == "ny" }.flatMap { $0["previous"] as? [String: Any] }?["size"] as? Double == 4)
        let overlaps = try #require(object["overlaps"] as? [[String: Any]])
        #expect(overlaps.count == 10)  // every pair of 5
        let nyPair = overlaps.first { $0["a"] as? String == "ny" && $0["b"] as? String == "ny-copy" }
        #expect(nyPair?["jaccard"] as? Double == 1 && nyPair?["shared"] as? Double == 5)
        #expect((object["warnings"] as? [String])?.count == 3)
    }

    @Test func countCountsEveryProfileAndAlwaysPrintsItsTiming() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadCities(dir, env)
        try await create("NY", #"traits.city = "New York""#, in: dir, env)
        // Three users and the anonymous visitor: `count` counts all four, `members --count` the users only.
        let count = try await tailor(["segment", "count", "ny"], in: dir, environment: env)
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout == "4\n")
        #expect(try await tailor(["segment", "members", "ny", "--count"], in: dir, environment: env).stdout == "3\n")
        // The time of the query goes to stderr for one run as for several (a benchmark reads it).
        let timing = /best of (\d+): (\d+\.\d) ms/
        let once = try #require(count.stderr.firstMatch(of: timing), "no timing in: \(count.stderr)")
        #expect(once.1 == "1")
        let where_ = try await tailor(["segment", "count", "--where", #"traits.city = "Berlin""#, "--repeat", "3"], in: dir, environment: env)
        #expect(where_.stdout == "144\n")
        #expect(where_.stderr.firstMatch(of: timing)?.1 == "3", "\(where_.stderr)")
        let template = try await tailor(["segment", "count", "--from-template", "new-york"], in: dir, environment: env)
        #expect(template.stdout == "4\n", "\(template.stderr)")
        let nobody = try await tailor(["segment", "count", "--where", #"traits.city = "Atlantis""#], in: dir, environment: env)
        #expect(nobody.stdout == "0\n")
        let unknown = try await tailor(["segment", "count", "nope"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no segment 'nope'"))
        let tooMany = try await tailor(["segment", "count", "ny", "--repeat", "0"], in: dir, environment: env)
        #expect(tooMany.status != 0 && tooMany.stderr.contains("--repeat must be 1...100"))
    }

    @Test func exportWritesTheAudienceAsCSV() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadCities(dir, env)
        try await create("NY", #"traits.city = "New York""#, in: dir, env)
        let run = try await tailor(["segment", "export", "NY", "-o", "ny.csv"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("wrote 4 members to ny.csv"))
        let csv = try String(contentsOf: dir.appendingPathComponent("ny.csv"), encoding: .utf8)
        var rows = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows.first == "profile_id,user_id")
        #expect(rows.last == "")
        rows = Array(rows.dropFirst().dropLast())
        #expect(rows.count == 4, "\(csv)")
        let fields = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(fields.allSatisfy { $0.count == 2 && $0[0].hasPrefix("p_") })
        #expect(Set(fields.map { $0[0] }).count == 4)
        // The users by id; the anonymous visitor with an empty user id.
        #expect(fields.map { $0[1] }.sorted() == ["", "ny1", "ny2", "ny3"])
        // Without -o the same CSV goes to stdout.
        let stdout = try await tailor(["segment", "export", "ny"], in: dir, environment: env)
        #expect(stdout.status == 0 && stdout.stdout == csv, "\(stdout.stderr)")
        let empty = try await tailor(["segment", "create", "Atlantis", "--where", #"traits.city = "Atlantis""#], in: dir, environment: env)
        #expect(empty.status == 0)
        #expect(try await tailor(["segment", "export", "atlantis"], in: dir, environment: env).stdout == "profile_id,user_id\n")
    }

    @Test func runTimersMovesAProfileWhenItsTimeBoundaryPasses() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The cart of $70 is added at 10:00; the template wants it untouched for an hour.
        let at1030 = environment(dir).merging(["TAILOR_NOW": "2026-11-01T10:30:00Z"]) { $1 }
        try await importEvents([
            identify("pa1", city: "Paris", id: "i1"),
            #"{"type":"track","userId":"pa1","event":"Product Added","properties":{"product_id":"p","price":70},"timestamp":"2026-11-01T10:00:00Z","messageId":"a1"}"#,
        ], in: dir, environment: at1030)
        let created = try await tailor(["segment", "create", "Carts", "--from-template", "cart-abandoners-over-50"], in: dir, environment: at1030)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("0 members"))
        let early = try await tailor(["segment", "run-timers"], in: dir, environment: at1030)
        #expect(early.status == 0, "\(early.stderr)")
        // The next change is the moment the cart turns one hour old (ISO 8601, with or without milliseconds).
        #expect(early.stdout.firstMatch(of: /^evaluated 0 profiles; next change 2026-11-01T11:00:00(\.000)?Z\n$/) != nil, "\(early.stdout)")
        #expect(try await tailor(["segment", "members", "carts", "--stored"], in: dir, environment: at1030).stdout == "")

        // One second before the boundary nothing is due; at it, the profile enters.
        let before = environment(dir).merging(["TAILOR_NOW": "2026-11-01T10:59:59Z"]) { $1 }
        let notYet = try await tailor(["segment", "run-timers"], in: dir, environment: before)
        #expect(notYet.stdout.hasPrefix("evaluated 0 profiles"), "\(notYet.stdout)")
        #expect(try await tailor(["segment", "members", "carts", "--stored"], in: dir, environment: before).stdout == "")
        let at1100 = environment(dir).merging(["TAILOR_NOW": "2026-11-01T11:00:00Z"]) { $1 }
        let due = try await tailor(["segment", "run-timers"], in: dir, environment: at1100)
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.stdout == "evaluated 1 profiles; next change none pending\n", "\(due.stdout)")
        #expect(try await tailor(["segment", "members", "carts", "--stored"], in: dir, environment: at1100).stdout == "pa1\n")
        #expect(try await tailor(["segment", "list"], in: dir, environment: at1100).stdout.contains("carts  1 members"))
        // Nothing left to do: a second run changes nothing.
        let again = try await tailor(["segment", "run-timers"], in: dir, environment: at1100)
        #expect(again.stdout == "evaluated 0 profiles; next change none pending\n")
    }

    @Test func deleteRemovesASegmentAndRefusesOneInUse() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadCities(dir, env)
        try await create("Paris", #"traits.city = "Paris""#, in: dir, env)
        try await create("Paris Buyers", #"in segment "paris" and profile.order_count >= 1"#, in: dir, env)
        let listed = try await tailor(["segment", "list"], in: dir, environment: env)

        let refused = try await tailor(["segment", "delete", "paris"], in: dir, environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("segment paris-buyers refers to paris; change or delete it first"), "\(refused.stderr)")
        #expect(try await tailor(["segment", "list"], in: dir, environment: env).stdout == listed.stdout)
        #expect(try await tailor(["segment", "members", "paris", "--stored"], in: dir, environment: env).stdout == "pa1\npa2\n")

        let deleted = try await tailor(["segment", "delete", "Paris Buyers"], in: dir, environment: env)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout == "deleted paris-buyers\n")
        let list = try await tailor(["segment", "list"], in: dir, environment: env)
        #expect(!list.stdout.contains("paris-buyers") && list.stdout.contains("paris  2 members"), "\(list.stdout)")
        let gone = try await tailor(["segment", "count", "paris-buyers"], in: dir, environment: env)
        #expect(gone.status != 0 && gone.stderr.contains("no segment 'paris-buyers'"))
        // Nothing refers to paris any more: it goes too, and the list is empty.
        let second = try await tailor(["segment", "delete", "paris"], in: dir, environment: env)
        #expect(second.status == 0 && second.stdout == "deleted paris\n", "\(second.stderr)")
        #expect(try await tailor(["segment", "list"], in: dir, environment: env).stdout.hasPrefix("no segments yet"))
        let unknown = try await tailor(["segment", "delete", "paris"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no segment 'paris'"))
    }

    @Test func rfmScoresAKnownHistory() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        // Customer c<i> orders $100 on each of i consecutive days starting on October <i>: the more orders, the
        // more spent and the more recent the last one, so c<i> scores R = F = M = i. A visitor without orders
        // is not a customer.
        var lines: [String] = []
        for i in 1...5 {
            lines.append(identify("c\(i)", city: "Paris", id: "i\(i)"))
            for d in 0..<i {
                lines.append(order("c\(i)", revenue: 100, at: String(format: "2026-10-%02dT10:00:00Z", 2 * i + d), id: "o\(i)-\(d)"))
            }
        }
        lines.append(identify("visitor", city: "Paris", id: "iv"))
        try await importEvents(lines, in: dir, environment: env)
        try await create("Champions", #"rfm.group = "Champions""#, in: dir, env)
        try await create("Lost", #"rfm.group = "Lost""#, in: dir, env)
        #expect(try await tailor(["segment", "count", "champions"], in: dir, environment: env).stdout == "0\n")

        let run = try await tailor(["segment", "rfm"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let lines_ = trimmedLines(run.stdout)
        #expect(lines_.first == "RFM scores for 5 customers", "\(run.stdout)")
        var groups: [String: Int] = [:]
        for line in run.stdout.split(separator: "\n").dropFirst() where line.hasPrefix("  ") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            if let n = Int(parts.last ?? "") { groups[parts.dropLast().joined(separator: " ")] = n }
        }
        // R\FM: (1,1) Lost, (2,2) Hibernating, (3,3) Need Attention, (4,4) and (5,5) Champions.
        #expect(groups.filter { $0.value > 0 } == ["Champions": 2, "Need Attention": 1, "Hibernating": 1, "Lost": 1], "\(run.stdout)")
        #expect(groups.count == 11, "every group is listed, with 0 when empty: \(run.stdout)")
        #expect(run.stdout.contains("segments using RFM: 3 entered, 0 left"), "\(run.stdout)")
        #expect(try await tailor(["segment", "members", "champions", "--stored"], in: dir, environment: env).stdout == "c4\nc5\n")
        #expect(try await tailor(["segment", "members", "lost"], in: dir, environment: env).stdout == "c1\n")
        let explain = try await tailor(["segment", "explain", "champions", "--profile", "c4"], in: dir, environment: env)
        #expect(explain.stdout.hasPrefix("Champions for p_") && explain.stdout.contains(": member (at 2026-11-01T12:00:00"), "\(explain.stdout)")
    }
}
