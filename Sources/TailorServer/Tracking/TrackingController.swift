import CompressNIO
import Foundation
import Hummingbird
import NIOCore
import TailorCore
import TailorEngine

/// The Segment-compatible tracking API: `POST /v1/identify|track|page|screen|group|alias|batch`.
///
/// A request is authenticated by its write key (Basic-auth user, or `writeKey` in the body), its body
/// may be gzip-compressed, and it is validated whole before anything is stored: a batch with one bad
/// message is refused with 400 naming that message, and nothing of it is written. A 200 is sent only
/// once the events are durable. The content type is not checked: `navigator.sendBeacon` (tailor.js on page hide)
/// sends its JSON as `text/plain`, which also spares browsers a preflight.
struct TrackingController: Sendable {
    let ingest: IngestService
    let keys: APIKeys
    let decoder: MessageDecoder
    let clock: any WallClock

    /// The tracking API's paths: the only ones that answer CORS (``TrackingCORSMiddleware``).
    static let paths: Set<String> = Set(MessageType.allCases.map { "/v1/\($0.rawValue)" } + ["/v1/batch", "/v1/import"])

    func addRoutes(to router: Router<TailorRequestContext>) {
        for type in MessageType.allCases {
            router.post("/v1/\(type.rawValue)") { request, context in
                try await self.handle(request, context: context, type: type)
            }
        }
        router.post("/v1/batch") { request, context in
            try await self.handle(request, context: context, type: nil)
        }
        // Segment's libraries also post batches to /v1/import.
        router.post("/v1/import") { request, context in
            try await self.handle(request, context: context, type: nil)
        }
    }

    func handle(_ request: Request, context: TailorRequestContext, type: MessageType?) async throws -> Response {
        let limit = type == nil ? decoder.limits.maxBatchBytes : decoder.limits.maxMessageBytes
        let what = type == nil ? "the batch" : "the message"
        var body: ByteBuffer
        do {
            // The compressed body may be small while the message is not: gzip is capped after inflating.
            body = try await request.collectBody(upTo: limit + 1)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.tooLarge(what, limit: limit)
        }
        if request.headers[.contentEncoding]?.lowercased() == "gzip" {
            body = try inflate(body, limit: limit, what: what)
        }
        guard body.readableBytes <= limit else { throw APIError.tooLarge(what, limit: limit) }
        let bytes = body.readableBytesView
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw APIError.invalidJSON(error)
        }
        let bodyKey = json[path: "writeKey"]?.stringValue
        guard let key = APIKeys.basicUser(request.headers) ?? bodyKey, keys.writeKeys.contains(key) else {
            throw APIError.unauthorized
        }
        let receivedAt = clock.now()
        let messages: [Message]
        do {
            if let type {
                messages = [try decoder.decode(json, type: type, receivedAt: receivedAt)]
            } else {
                messages = try decoder.decodeBatch(json, bodyBytes: bytes.count, receivedAt: receivedAt)
            }
        } catch {
            throw APIError.invalidMessage(error)
        }
        do {
            _ = try await ingest.ingest(messages)
        } catch IngestError.overloaded {
            throw APIError.overloaded
        }
        return JSONResponse.make(["success": true])
    }

    func inflate(_ body: ByteBuffer, limit: Int, what: String) throws -> ByteBuffer {
        var input = body
        var output = ByteBufferAllocator().buffer(capacity: limit + 1)
        do {
            try input.decompress(to: &output, with: .gzip())
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw APIError.tooLarge(what, limit: limit)
        } catch {
            throw APIError(.badRequest, code: "invalid_gzip", message: "the body is not valid gzip")
        }
        return output
    }
}
