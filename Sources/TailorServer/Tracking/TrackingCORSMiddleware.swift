public import Hummingbird

/// CORS for the tracking API alone, so that `tailor.js` may post from a shop's own site.
///
/// It runs for every route but touches only the tracking paths (``TrackingController/paths``): a preflight
/// `OPTIONS` there is answered here (no route exists for it), and an answer to a browser's call carries
/// `Access-Control-Allow-Origin`. The admin API and the dashboard never answer with CORS headers, so no
/// other site's script can read them. With a list of origins (``TrackingOrigins/only(_:)``), a browser call
/// from any other origin is refused with 403 before it is read; calls without an `Origin` (servers,
/// Segment's libraries) are not concerned.
public struct TrackingCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: TrackingOrigins
    let paths: Set<String>

    public init(origins: TrackingOrigins) {
        self.origins = origins
        self.paths = TrackingController.paths
    }

    /// What a preflight may ask for: the tracking API takes POST, with a JSON or text body, perhaps gzip, and the
    /// write key as Basic auth. Chromium caps the cache of a preflight at 2 hours.
    static var preflightHeaders: HTTPFields {
        [
            .accessControlAllowMethods: "POST, OPTIONS",
            .accessControlAllowHeaders: "Authorization, Content-Type, Content-Encoding",
            .accessControlMaxAge: "7200",
        ]
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard paths.contains(request.uri.path) else { return try await next(request, context) }
        let preflight = request.method == .options
        guard let origin = request.headers[.origin] else {
            if preflight { return Response(status: .noContent, headers: [.allow: "POST, OPTIONS"]) }
            return try await next(request, context)
        }
        var headers: HTTPFields = [:]
        if case .only = origins { headers[.vary] = "Origin" }
        guard let allowed = origins.allowed(origin) else {
            throw APIError(.forbidden, code: "origin_not_allowed",
                           message: "this origin may not call the tracking API; see TAILOR_TRACKING_ORIGINS", path: "Origin")
        }
        headers[.accessControlAllowOrigin] = allowed
        if preflight {
            headers.append(contentsOf: Self.preflightHeaders)
            return Response(status: .noContent, headers: headers)
        }
        do {
            var response = try await next(request, context)
            response.headers.append(contentsOf: headers)
            return response
        } catch let error as any HTTPResponseError {
            // A refused call (400 naming the field, 401, 429) stays readable by the page's script.
            throw CORSAnswer(error: error, headers: headers)
        }
    }
}

/// An error answer with the CORS headers added.
struct CORSAnswer: HTTPResponseError {
    let error: any HTTPResponseError
    let headers: HTTPFields
    var status: HTTPResponse.Status { error.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try error.response(from: request, context: context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
