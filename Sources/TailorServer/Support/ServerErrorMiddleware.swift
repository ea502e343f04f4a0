public import Hummingbird
public import Logging
import Metrics

/// Turns an error no controller answered into a 500 that says which request it was, logs it at error level
/// with the request id, and counts it (`tailor_http_server_errors_total` in `/metrics`).
///
/// Errors that are answers already (an ``APIError``, Hummingbird's own `HTTPError`) pass through. The log
/// names the route's pattern (`/v1/profiles/{id}`), not the path, which may hold an email address. It keeps
/// the error's description: Tailor's errors say what and where, never the values, and the database drivers'
/// descriptions leave statement arguments out.
public struct ServerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let errors = Counter(label: "tailor_http_server_errors_total")

    public init(logger: Logger = Logger(label: "tailor.server")) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            throw error
        } catch let error as any HTTPResponseError {
            throw failure(error, status: error.status, request: request, context: context)
        } catch {
            throw failure(error, status: .internalServerError, request: request, context: context)
        }
    }

    /// Logs and counts a 5xx, and answers it without the error's details.
    func failure(_ error: any Error, status: HTTPResponse.Status, request: Request, context: Context) -> APIError {
        errors.increment()
        logger.error("request failed", metadata: [
            "request_id": "\(context.id)", "method": "\(request.method)", "route": "\(context.endpointPath ?? "-")",
            "status": "\(status.code)", "error_type": "\(String(reflecting: type(of: error)))", "error": "\(error)",
        ])
        var answer = APIError(status, code: "internal_error", message: "the server could not answer; request id \(context.id)")
        answer.headers[.init("X-Request-Id")!] = context.id
        return answer
    }
}
