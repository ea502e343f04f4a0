/// What a dashboard user may do. Roles are ordered: each may do everything the one below it may.
///
/// - `viewer` reads every page and changes nothing;
/// - `marketer` also edits segments, templates and campaigns;
/// - `admin` also manages dashboard users.
public enum DashboardRole: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case viewer, marketer, admin

    public var description: String { rawValue }

    var rank: Int {
        switch self {
        case .viewer: 0
        case .marketer: 1
        case .admin: 2
        }
    }

    public static func < (a: DashboardRole, b: DashboardRole) -> Bool { a.rank < b.rank }

    /// Whether this role may do `action`.
    public func allows(_ action: DashboardAction) -> Bool { self >= action.minimumRole }
}

/// The kinds of things a dashboard page or form does, each with the least role that may do it.
public enum DashboardAction: Sendable, CaseIterable {
    /// Reading any page.
    case read
    /// Changing segments, templates and campaigns.
    case editMarketing
    /// Adding and removing dashboard users.
    case manageUsers

    public var minimumRole: DashboardRole {
        switch self {
        case .read: .viewer
        case .editMarketing: .marketer
        case .manageUsers: .admin
        }
    }
}
