import Foundation
import TailorCore
import TailorDemo
import TailorEngine
import TailorStore
import TailorTesting
import Testing

/// The seed segments, created from their templates, give on both backends the members that an independent
/// program gives (Tests/TailorDemoTests/Peers/seed_segments.py: Python's standard library only, written from
/// the text), on the demo shop and on the imported online-retail sample, at a fixed now. Both the
/// SQL audience and the membership maintained on ingest are checked.
@Suite("Seed segments against an independent computation", .serialized)
struct SeedSegmentTests {
    static let python = ProcessInfo.processInfo.environment["TAILOR_PYTHON"]
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TailorDemoTests/Peers/seed_segments.py")

    static let names = ["Frequent Buyers": "frequent-buyers", "Engaged but Infrequent": "engaged-but-infrequent", "Lapsed": "lapsed",
                        "Recent Engaged Purchasers": "recent-engaged-purchasers", "Cart Abandoners over $50": "cart-abandoners-over-50",
                        "Repeat Buyers": "repeat-buyers", "New York": "new-york"]

    /// Runs the peer over messages written as JSON Lines; returns segment name → sorted user ids.
    static func peer(_ messages: [Message], now: Date) async throws -> [String: [String]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("messages.jsonl")
        var bytes: [UInt8] = []
        for m in messages {
            JSONWriter.write(.object(m.json), into: &bytes)
            bytes.append(0x0A)
        }
        try Data(bytes).write(to: file)
        let python = try #require(Self.python)
        let arguments = [script.path, file.path, ISO8601.format(now)]
        let (status, data) = try await PeerProcess.run(python, arguments)
        #expect(status == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String]])
    }

    /// Creates the seed segments and compares both the SQL audiences and the stored memberships with the peer.
    static func compare(_ db: any TailorDatabase, clock: ManualClock, expected: [String: [String]], label: String,
                        requireNonEmpty: Set<String>) async throws {
        let service = SegmentService(stores: Stores(db), clock: clock)
        let realTime = try await !db.segments().isEmpty
        for template in SegmentTemplates.all {
            let (_, refresh) = try await service.define(template: template.id, replacing: true)
            // Memberships maintained during ingest need no correction when the segment is evaluated afresh.
            if realTime { #expect(refresh.entered == 0 && refresh.exited == 0, "\(label) \(template.id): \(refresh)") }
        }
        for (name, id) in names {
            let def = try #require(try await db.segment(id))
            let audience = try await db.audience(def.condition, limit: nil)
            let stored = try await service.storedMembers(id)
            let users = try await db.userIds(of: audience)
            let ours = audience.compactMap { users[$0] }.sorted()
            let want = expected[name] ?? []
            #expect(ours == want, "\(label) \(name): ours \(ours.count), peer \(want.count)")
            #expect(stored == audience, "\(label) \(name): stored membership differs from the audience")
            if requireNonEmpty.contains(name) { #expect(!want.isEmpty, "\(label) \(name) is empty: the check proves little") }
        }
    }

    @Test(.enabled(if: python != nil), arguments: TestBackend.available)
    func demoShop(backend: TestBackend) async throws {
        let now = ISO8601.parse("2026-11-01T12:00:00Z")!
        let shop = DemoShop(seed: 7, customers: 400, now: now)
        let expected = try await Self.peer(Array(shop.messages()), now: now)
        try await TestDatabase.with(backend) { test in
            let clock = ManualClock(now)
            test.database.useSegmentClock(clock)
            // On SQLite the segments exist before the shop is loaded (membership is kept on ingest); on
            // PostgreSQL they are created afterwards (membership computed over the stored profiles).
            if backend == .sqlite {
                for template in SegmentTemplates.all { try await SegmentService(stores: test.stores, clock: clock).define(template: template.id) }
            }
            let ingest = IngestService(events: test.database)
            _ = try await DemoLoader(ingest: ingest, products: test.database).load(shop)
            try await Self.compare(test.database, clock: clock, expected: expected, label: "demo",
                                   requireNonEmpty: ["Lapsed", "Cart Abandoners over $50", "New York", "Repeat Buyers", "Engaged but Infrequent"])
        }
    }

    @Test(.enabled(if: python != nil))
    func onlineRetailSample() async throws {
        let file = sharedData.appendingPathComponent("online-retail-sample/online_retail_sample.csv")
        let bytes = Array(try Data(contentsOf: file))
        // The sample's last invoices are in December 2011.
        let now = ISO8601.parse("2011-12-10T00:00:00Z")!
        try await TestDatabase.with(.sqlite) { test in
            let clock = ManualClock(now)
            test.database.useSegmentClock(clock)
            _ = try await Importer(ingest: IngestService(events: test.database), products: test.database, clock: clock)
                .run(.orders, bytes: bytes, fileName: file.path, mapping: try ImportMapping.preset("online-retail"))
            // The peer reads what was stored, as Segment messages.
            var messages: [Message] = []
            var after: ProfileID?
            while true {
                let ids = try await test.database.profileIDs(after: after, limit: 500)
                guard let last = ids.last else { break }
                for id in ids { messages += try await test.database.events(of: id, before: nil, limit: 100_000).map(\.message) }
                after = last
            }
            let expected = try await Self.peer(messages, now: now)
            try await Self.compare(test.database, clock: clock, expected: expected, label: "online-retail",
                                   requireNonEmpty: ["Lapsed", "Repeat Buyers"])
        }
    }
}
