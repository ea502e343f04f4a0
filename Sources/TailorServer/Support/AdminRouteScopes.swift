public import HTTPTypes
public import TailorStore

/// The scope each admin route needs, by its pattern (`/v1/profiles/{id}`, as the router names it). The map is
/// documented in docs/SECURITY.md; a route it does not cover needs the admin key itself, so a new route is
/// closed to named keys until it is given a scope (a test checks every documented route has one).
public enum AdminRouteScopes {
    public static func scope(_ method: HTTPRequest.Method, _ route: String) -> APIKeyScope? {
        // Consent and the rights of a person (export, erasure, the access log).
        if route.hasPrefix("/v1/privacy/") || route == "/v1/consent" || route == "/v1/profiles/{id}/consent" { return .privacy }
        if route.hasPrefix("/v1/reports/") { return .reports }
        if route == "/v1/profiles/{id}" || route.hasPrefix("/v1/profiles/{id}/") {
            // Reading a profile, its events and recommendations; changing its traits (rectification) is writing.
            return method == .get ? .profilesRead : .profilesWrite
        }
        if route == "/v1/segments" || route.hasPrefix("/v1/segments/") { return .segments }
        // What sends or goes out: campaigns, the templates they render, journeys, webhooks.
        for base in ["/v1/campaigns", "/v1/templates", "/v1/journeys", "/v1/webhooks"] where route == base || route.hasPrefix(base + "/") {
            return .campaigns
        }
        return nil
    }
}
