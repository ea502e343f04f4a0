import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

/// The outbox worker against a real SMTP server: aiosmtpd (TailorMail's peer script, through
/// `TAILOR_PYTHON`) accepts most recipients, answers 451 4.2.0 to `later*` and 550 5.1.1 to `reject*`.
@Suite("Outbox worker over SMTP (aiosmtpd)", .enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
struct OutboxSMTPInteropTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    static func startServer(out: URL) async throws -> (Process, Pipe, Int) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TailorMailTests/Peers/smtp_server.py")
        let server = try await PythonPeerServer.start(script, arguments: ["--out", out.path])
        return (server.process, server.input, server.port)
    }

    @Test func classifiesRealRepliesAndSuppressesTheHardBounce() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-outbox-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let (server, input, port) = try await Self.startServer(out: out)
        defer {
            // The script exits when its stdin closes; SIGKILL in case (SIGTERM can be blocked in test processes' children).
            try? input.fileHandleForWriting.close()
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        }
        try await TestDatabase.with(.sqlite) { test in
            let store = test.stores.mail
            var messages: [OutboxMessage] = []
            for local in ["ann", "bob", "later1", "reject1"] {
                _ = try await test.database.ingest([.track("Signed Up", userId: local, at: t0, messageId: "id-\(local)")],
                                                   planner: IngestPlanner())
                let id = try #require(try await test.database.profile(ProfileReference("user:\(local)")!)).id
                let to = try MailAddress("\(local)@example.test")
                let message = TailorMail.Message(from: try MailAddress("news@shop.test"), to: [to], subject: "Hello", text: "Hello \(local)")
                let mail = try OutgoingMail(message)
                messages.append(OutboxMessage(idempotencyKey: "c:\(local)", profileID: id, campaign: "c", sender: mail.envelope.sender,
                                              recipient: "\(local)@example.test", data: mail.data))
            }
            _ = try await store.enqueue(messages, at: t0)
            let worker = OutboxWorker(store: store, configuration: OutboxWorker.Configuration(workerID: "smtp"), clock: ManualClock(t0))
            let summary = try await MailTransportURL("smtp://127.0.0.1:\(port)?connections=2").withTransport { transport in
                try await worker.drain(using: transport)
            }
            #expect(summary.sent == 2 && summary.retried == 1 && summary.bounced == 1)
            #expect(try await store.outboxRecord(key: "c:later1")?.status == .queued)
            #expect(try await store.outboxRecord(key: "c:later1")?.lastError?.contains("451 4.2.0") == true)
            #expect(try await store.outboxRecord(key: "c:reject1")?.status == .failed)
            #expect(try await store.isSuppressed(address: "reject1@example.test"))
            let received = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".eml") }
            #expect(received.count == 2)
        }
    }
}
