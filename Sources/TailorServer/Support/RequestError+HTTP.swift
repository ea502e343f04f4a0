public import Hummingbird
import TailorCore
public import TailorEngine

/// Template, campaign and consent errors answer with their status wherever they are thrown: 404 for an unknown
/// name, 409 for a clash, a use or a lifecycle move the current state forbids, 422 for input that cannot
/// be stored, 503 when the server lacks a mail setting.
extension RequestError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .exists, .inUse, .illegalState: .conflict
        case .invalid: .unprocessableContent
        case .configuration: .serviceUnavailable
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(status, code: code.rawValue, message: message, path: field).response(from: request, context: context)
    }
}
