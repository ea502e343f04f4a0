import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting
import TailorTestLaunch

/// Answers 500 to the first `failures` batch requests *after* they were processed, the way a lost
/// response looks to a client: the events are stored, the client does not know, and sends the same batch again.
struct LoseResponsesMiddleware: RouterMiddleware {
    typealias Context = TailorRequestContext
    final class Budget: Sendable {
        let value: Mutex<Int>
        init(_ n: Int) { value = Mutex(n) }
    }
    let remaining: Budget
    init(failures: Int) { remaining = Budget(failures) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard request.uri.path == "/v1/batch" else { return response }
        let fail = remaining.value.withLock { n -> Bool in
            guard n > 0 else { return false }
            n -= 1
            return true
        }
        return fail ? Response(status: .internalServerError) : response
    }
}

@Suite("Segment Python client interop", .enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
struct SegmentClientInteropTests {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/segment_client.py").path
    }

    @Test(arguments: TestBackend.available, [false, true])
    func officialClientMessagesAreStoredExactlyOnce(backend: TestBackend, gzip: Bool) async throws {
        try await TestDatabase.with(backend) { test in
            let settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            let ingest = IngestService(events: test.database)
            let router = buildRouter(settings: settings, stores: Stores(test.database), ingest: ingest)
            router.add(middleware: LoseResponsesMiddleware(failures: 2))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), services: [ingest])
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let output = try await runPython([Self.script, "http://127.0.0.1:\(port)", writeKey, "60"] + (gzip ? ["--gzip"] : []))
                let result = try JSONParser.parse(output)
                let sent = result[path: "sent"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(sent.count == 60)
                #expect(result[path: "errors"]?.arrayValue?.isEmpty == true, "the client reported errors: \(output)")
                // Every message is stored once, though two batches were sent twice.
                #expect(try await test.database.counts().events == 60)
                #expect(try await test.database.counts().profiles == 5)
                let profile = try await client.execute(uri: "/v1/profiles/user:seg-user-0", method: .get, headers: bearer)
                #expect(profile.status == .ok)
                let p = try json(profile)
                #expect(p[path: "traits.email"] == "seg-user-0@example.com")
                #expect(p[path: "traits.city"] == "New York")
                #expect(p[path: "computed.event_count"] == 12)
                let byEmail = try await client.execute(uri: "/v1/profiles/email:seg-user-3@example.com", method: .get, headers: bearer)
                #expect(try json(byEmail)[path: "identities.user_ids"] == ["seg-user-3"])
            }
        }
    }
}

/// Runs the peer Python (`TAILOR_PYTHON`) and returns its standard output; throws with its stderr on failure.
///
/// The process is waited for on a Dispatch thread, never on the concurrency pool: blocking one of its
/// (here two) threads would starve the server the peer is talking to.
func runPython(_ arguments: [String]) async throws -> String {
    let python = ProcessInfo.processInfo.environment["TAILOR_PYTHON"] ?? "python3"
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: python)
                process.arguments = arguments
                let out = Pipe()
                let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).err")
                FileManager.default.createFile(atPath: errURL.path, contents: nil)
                defer { try? FileManager.default.removeItem(at: errURL) }
                process.standardOutput = out
                process.standardError = try FileHandle(forWritingTo: errURL)
                try ProcessLaunch.run(process)
                let stdout = ProcessLaunch.readToEnd(out.fileHandleForReading)
                process.waitUntilExit()
                let stderr = (try? Data(contentsOf: errURL)) ?? Data()
                guard process.terminationStatus == 0 else {
                    throw PeerError(message: "python exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self).suffix(2000))")
                }
                continuation.resume(returning: String(decoding: stdout, as: UTF8.self))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
