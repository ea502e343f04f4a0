/// What an admin API key may do. Each admin route needs one scope (the map is `AdminRouteScopes` in the
/// server, documented in docs/SECURITY.md); the key given to `tailor serve` holds them all.
public enum APIKeyScope: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Reading profiles, their events and recommendations.
    case profilesRead = "profiles:read"
    /// Changing a profile's traits.
    case profilesWrite = "profiles:write"
    /// Segments, their members and audits.
    case segments
    /// Campaigns, templates, journeys and webhooks: what sends or goes out.
    case campaigns
    /// Consent, access and erasure requests, the access log.
    case privacy
    /// Campaign reports.
    case reports

    public var description: String { rawValue }

    /// The scopes' names, in declaration order, as a message lists them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public static func < (a: APIKeyScope, b: APIKeyScope) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The stored form of a set of scopes: their names in declaration order, separated by spaces.
    public static func stored(_ scopes: Set<APIKeyScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }

    /// Reads a stored set; nil when it names a scope this version does not know.
    public static func parseStored(_ text: String) -> Set<APIKeyScope>? {
        var out: Set<APIKeyScope> = []
        for name in text.split(separator: " ") {
            guard let scope = APIKeyScope(rawValue: String(name)) else { return nil }
            out.insert(scope)
        }
        return out
    }
}
