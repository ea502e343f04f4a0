public import Hummingbird
public import TailorEngine
import TailorStore

/// Guards the admin API (docs/SECURITY.md). In order:
/// 1. an address with too many failed attempts lately is answered 429 with `Retry-After`, its key unchecked;
/// 2. a request without a valid secret (`Authorization: Bearer …`: the admin key, or a named key that is not
///    revoked) is answered 401, and the failure counted against its address;
/// 3. a named key without the scope the route needs (`AdminRouteScopes`) is answered 403 naming the scope.
/// Then the request goes on with ``TailorRequestContext/caller`` set. Controllers on the admin route group check
/// nothing themselves.
public struct AdminKeyMiddleware: RouterMiddleware {
    public typealias Context = TailorRequestContext

    let keys: APIKeys
    let named: APIKeyService
    let failures: AuthFailureGuard

    public init(keys: APIKeys, named: APIKeyService, failures: AuthFailureGuard) {
        self.keys = keys
        self.named = named
        self.failures = failures
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = AuthFailureGuard.clientAddress(peer: context.remoteAddress, headers: request.headers)
        if case .limited(let seconds) = failures.check(address) { throw APIError.tooManyFailures(retryAfter: seconds) }
        guard let caller = try await caller(request) else {
            failures.recordFailure(address)
            throw APIError.unauthorized
        }
        let needed = AdminRouteScopes.scope(request.method, context.endpointPath ?? "")
        guard needed.map(caller.may) ?? (caller == .adminKey) else { throw APIError.missingScope(needed) }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    func caller(_ request: Request) async throws -> AdminCaller? {
        guard let hash = APIKeys.presentedHash(request.headers) else { return nil }
        if keys.isAdminKey(hash: hash) { return .adminKey }
        return try await named.authenticate(hash: hash).map { .named($0.name, scopes: $0.scopes) }
    }
}
