public import Hummingbird
import HTTPTypes
import NIOCore
import TailorCore

/// How long a client has to send what it started: a request's whole body, and the next bytes on an idle
/// connection. A client that stalls or trickles (slowloris) is answered 408 or disconnected instead of
/// holding a connection and a task forever.
public enum RequestTimeouts {
    /// The whole body of a request, from the moment its handler starts reading it.
    public static let body: Duration = .seconds(10)
    /// A connection with no request in progress, or one whose request sends nothing more, is closed.
    public static let idle: Duration = .seconds(15)
}

extension Request {
    /// The whole body, at most `limit` bytes, if it arrives within `timeout`; a 408 with `Connection: close`
    /// otherwise. Errors of the body itself (too large, connection closed) pass through.
    func collectBody(upTo limit: Int, within timeout: Duration = RequestTimeouts.body) async throws -> ByteBuffer {
        let body = self.body
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let buffer else {
            var error = APIError(.requestTimeout, code: "request_timeout", message: "the body did not arrive within \(timeout)")
            error.headers[.connection] = "close"
            throw error
        }
        return buffer
    }
}

extension Request {
    /// The body as a JSON object, at most `limit` bytes: 400 `invalid_json` or `invalid_body` otherwise; with
    /// `allowEmpty`, an empty body is an empty object.
    func jsonObject(upTo limit: Int, allowEmpty: Bool = false) async throws -> JSONObject {
        let buffer = try await collectBody(upTo: limit)
        if allowEmpty, buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw APIError.invalidJSON(error)
        }
        guard case .object(let o) = json else { throw APIError(.badRequest, code: "invalid_body", message: "expected a JSON object") }
        return o
    }
}
