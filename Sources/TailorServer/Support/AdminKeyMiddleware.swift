public import Hummingbird

/// Guards the admin API: a request without a valid secret key (`Authorization: Bearer …`) is answered 401
/// before any controller runs. Controllers on the admin route group check nothing themselves.
public struct AdminKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys

    public init(keys: APIKeys) {
        self.keys = keys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard keys.isAdmin(request.headers) else { throw APIError.unauthorized }
        return try await next(request, context)
    }
}
