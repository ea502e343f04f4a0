import CompressNIO
import Crypto
import Hummingbird
import NIOCore

/// `GET /tailor.js`: the tracking script shops put on their pages (docs/TRACKING.md).
///
/// The script is hand-written JavaScript kept beside this file (`tailor.js`) and embedded in the binary by
/// SwiftPM, so there is no build step and nothing to install beside `tailor`. It is cached for an hour and then
/// revalidated by its ETag (a 304 costs a few bytes), and sent gzip-compressed to browsers that take it.
struct TrackingScriptController: Sendable {
    static let script = ByteBuffer(bytes: PackageResources.tailor_js)
    /// A strong ETag: the first 16 bytes of the script's SHA-256, in hex.
    static let etag = "\"" + SHA256.hash(data: PackageResources.tailor_js).prefix(16).map { byte in
        let hex = String(byte, radix: 16)
        return hex.count == 1 ? "0" + hex : hex
    }.joined() + "\""
    static let gzipped: ByteBuffer? = {
        var input = script
        return try? input.compress(with: .gzip())
    }()

    func addRoutes(to router: Router<TailorRequestContext>) {
        router.get("/tailor.js") { request, _ in
            Self.response(to: request)
        }
    }

    static func response(to request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/javascript; charset=utf-8",
            .cacheControl: "public, max-age=3600",
            .eTag: etag,
            .vary: "Accept-Encoding",
            .xContentTypeOptions: "nosniff",
        ]
        if let tags = request.headers[.ifNoneMatch], matches(tags) {
            return Response(status: .notModified, headers: headers)
        }
        if let gzipped, acceptsGzip(request.headers[values: .acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: script))
    }

    /// `If-None-Match` names this version: `*`, or a list holding the ETag (weak or strong: RFC 9110 §13.1.2
    /// compares them weakly).
    static func matches(_ header: String) -> Bool {
        header.split(separator: ",").contains { entry in
            var tag = entry.trimmingWhitespace()
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag == "*" || tag == etag
        }
    }

    /// `Accept-Encoding` lists gzip without `q=0`.
    static func acceptsGzip(_ values: [String]) -> Bool {
        values.flatMap { $0.split(separator: ",") }.contains { entry in
            let parts = entry.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard parts.first == "gzip" else { return false }
            guard let q = parts.dropFirst().first(where: { $0.hasPrefix("q=") }) else { return true }
            return (Double(q.dropFirst(2)) ?? 0) > 0
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
