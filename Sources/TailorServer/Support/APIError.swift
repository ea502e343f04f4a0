import Foundation
public import HTTPTypes
public import Hummingbird
import TailorCore
import TailorStore

/// An API error as clients see it: a status and a JSON body
/// `{"success": false, "code": …, "message": …, "error": {"code": …, "message": …, "path": …, "index": …}}`.
///
/// Messages say what and where, never echo the values sent (they may be personal data).
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var path: String?
    public var index: Int?
    /// The scope a key lacks (a 403 from the admin API), at the top level and in `error`.
    public var scope: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, path: String? = nil, index: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.path = path
        self.index = index
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if let path, !path.isEmpty { error["path"] = .string(path) }
        if let index { error["index"] = .number(Double(index)) }
        // `code` and `message` also stand at the top level, where Segment's libraries read them.
        var body: JSONObject = ["success": false, "code": .string(code), "message": .string(message)]
        if let scope {
            error["scope"] = .string(scope)
            body["scope"] = .string(scope)
        }
        body["error"] = .object(error)
        var response = JSONResponse.make(.object(body), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    static func invalidJSON(_ e: JSONParser.Error) -> APIError {
        APIError(.badRequest, code: "invalid_json", message: e.description)
    }

    static func invalidMessage(_ e: MessageDecoder.Error) -> APIError {
        APIError(.badRequest, code: "invalid_message", message: e.description, path: e.path, index: e.index)
    }

    /// A segment definition refused: 409 when it clashes with or is used by another, 404 for an unknown
    /// template, 422 otherwise.
    init(_ e: SegmentDefinitionError) {
        switch e.code {
        case .exists: self.init(.conflict, code: "segment_exists", message: e.message)
        case .inUse: self.init(.conflict, code: "segment_in_use", message: e.message)
        case .notFound: self.init(.notFound, code: "not_found", message: e.message)
        case .invalid: self.init(.unprocessableContent, code: "invalid_segment", message: e.message)
        }
    }

    static let unauthorized = APIError(.unauthorized, code: "unauthorized", message: "missing or unknown key")
    /// A valid key without the scope the route needs; nil names the admin key itself.
    static func missingScope(_ scope: APIKeyScope?) -> APIError {
        guard let scope else {
            return APIError(.forbidden, code: "insufficient_scope", message: "this route needs the admin key; no named key may use it")
        }
        var e = APIError(.forbidden, code: "insufficient_scope", message: "this key lacks the scope '\(scope.rawValue)' this route needs")
        e.scope = scope.rawValue
        return e
    }

    /// Too many failed authentications from the client's address lately.
    static func tooManyFailures(retryAfter seconds: Int) -> APIError {
        var e = APIError(.tooManyRequests, code: "too_many_failures",
                         message: "too many failed authentications from this address; retry after the given delay")
        e.headers[.retryAfter] = String(seconds)
        return e
    }

    static let notFound = APIError(.notFound, code: "not_found", message: "no such profile")

    static func tooLarge(_ what: String, limit: Int) -> APIError {
        APIError(.badRequest, code: "too_large", message: "\(what) is larger than the limit of \(limit) bytes")
    }

    static var overloaded: APIError {
        var e = APIError(.tooManyRequests, code: "overloaded", message: "ingest is at capacity; retry after the given delay")
        e.headers[.retryAfter] = "1"
        return e
    }
}

/// JSON responses written with Tailor's own writer (stable key order).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONWriter.bytes(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
