import Foundation
import TailorCore
import TailorDemo
import TailorTesting
import Testing

/// The seed segments computed by an independent Python program (Peers/seed_segments.py, standard library
/// only, written from issue 4's text) over the demo's messages as JSON Lines agree with the fold in
/// DemoFixture, member for member.
@Suite struct PeerSegmentTests {
    static let python = ProcessInfo.processInfo.environment["TAILOR_PYTHON"]

    @Test(.enabled(if: python != nil)) func pythonComputesTheSameMembers() async throws {
        let shop = DemoFixture.shop
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("messages.jsonl")
        var bytes: [UInt8] = []
        for m in shop.messages() {
            JSONWriter.write(.object(m.json), into: &bytes)
            bytes.append(0x0A)
        }
        try Data(bytes).write(to: file)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/seed_segments.py")
        let python = try #require(Self.python)
        let arguments = [script.path, file.path, ISO8601.format(shop.now)]
        let (status, data) = try await PeerProcess.run(python, arguments)
        #expect(status == 0)
        let peer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String]])

        let facts = DemoFixture.facts
        func members(_ rule: (CustomerFacts) -> Bool) -> [String] {
            facts.filter(rule).map { shop.userId(ofCustomer: $0.index) }.sorted()
        }
        let ours: [String: [String]] = [
            "Frequent Buyers": members(\.frequentBuyer),
            "Repeat Buyers": members(\.repeatBuyer),
            "Engaged but Infrequent": members(\.engagedButInfrequent),
            "Lapsed": members(\.lapsed),
            "Recent Engaged Purchasers": members(\.recentEngagedPurchaser),
            "Cart Abandoners over $50": members(\.cartAbandonerOver50),
            "New York": members(\.newYork),
        ]
        #expect(Set(peer.keys) == Set(ours.keys))
        for (name, list) in ours {
            #expect(peer[name] == list, "\(name): peer \(peer[name]?.count ?? -1), ours \(list.count)")
            #expect(!list.isEmpty, "\(name) is empty")
        }
    }
}
