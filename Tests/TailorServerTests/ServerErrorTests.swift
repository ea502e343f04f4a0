import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import TailorCore
import TailorServer

/// Log records kept in memory, to check what a server writes.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    let records = Mutex<[Record]>([])

    func logger() -> Logger {
        Logger(label: "test") { _ in Handler(logs: self) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            all.merge(event.metadata ?? [:]) { $1 }
            let record = Record(level: event.level, message: event.message.description, metadata: all.mapValues { "\($0)" })
            logs.records.withLock { $0.append(record) }
        }
    }
}

@Suite("Server errors")
struct ServerErrorTests {
    struct Broken: Error, CustomStringConvertible {
        var description: String { "the disk went away" }
    }

    @Test("an unanswered error is a 500 with a request id, logged at error level with that id and the route, never the path")
    func serverErrorsAreLoggedAndAnswered() async throws {
        let logs = CapturedLogs()
        let router = Router(context: TailorRequestContext.self)
        router.add(middleware: ServerErrorMiddleware(logger: logs.logger()))
        router.get("/v1/profiles/:id") { _, _ -> Response in throw Broken() }
        router.get("/v1/missing") { _, _ -> Response in throw APIError(.notFound, code: "not_found", message: "no such thing") }
        try await Application(router: router).test(.router) { client in
            let r = try await client.execute(uri: "/v1/profiles/email:ann@example.com", method: .get)
            #expect(r.status == .internalServerError)
            let id = try #require(r.headers[HTTPField.Name("X-Request-Id")!])
            let body = try JSONParser.parse(Array(r.body.readableBytesView))
            #expect(body[path: "error.code"] == "internal_error")
            #expect(body[path: "error.message"]?.stringValue?.contains(id) == true)
            // A 4xx is an answer, not a failure: passed through, not logged.
            #expect(try await client.execute(uri: "/v1/missing", method: .get).status == .notFound)
        }
        let records = logs.records.withLock { $0 }
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.level == .error)
        #expect(record.metadata["status"] == "500")
        #expect(record.metadata["route"] == "/v1/profiles/{id}")
        #expect(record.metadata["error"] == "the disk went away")
        #expect(record.metadata["request_id"]?.isEmpty == false)
        #expect(!records.contains { r in r.metadata.values.contains { $0.contains("ann@example.com") } })
    }
}
