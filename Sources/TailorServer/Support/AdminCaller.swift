public import TailorStore

/// Who an admin API request comes from: the key `tailor serve` was given (every scope) or a named key.
public enum AdminCaller: Sendable, Equatable {
    case adminKey
    case named(String, scopes: Set<APIKeyScope>)

    public func may(_ scope: APIKeyScope) -> Bool {
        switch self {
        case .adminKey: true
        case .named(_, let scopes): scopes.contains(scope)
        }
    }

    /// The access log's `actor`: `admin_key`, or `key:<name>`.
    public var actor: String {
        switch self {
        case .adminKey: "admin_key"
        case .named(let name, _): "key:" + name
        }
    }
}
