public import Foundation
public import TailorCore

/// What a person's rights need of storage (docs/PRIVACY.md): erasure in one transaction with a receipt, the
/// freed space overwritten or reclaimed, and the log of who read their data.
public protocol PrivacyStore: Sendable {
    /// Erases a profile and every profile merged into it, in one transaction (``ErasureRun``): their events,
    /// identities, memberships and history, computed rows, campaign recipients, queued and sent messages,
    /// journey runs, pending events and consent entries. Leaves the receipt, the profile ids it covers, a
    /// tombstone (keyed hash) per identity and a suppression entry per address.
    /// - Returns: the new receipt; the existing one, unchanged, for a profile erased before; nil for an id that
    ///   names no profile, live or erased.
    func erase(_ profile: ProfileID, request: ErasureRequest) async throws -> ErasureReceipt?

    /// Makes the erased rows' bytes unreadable from the database's files and records how on the receipt:
    /// SQLite overwrote the freed space in the erasure's transaction (`secure_delete`) and now checkpoints the
    /// WAL and truncates it; PostgreSQL vacuums the tables the erasure touched.
    func reclaimErasedSpace(_ erasure: String, at now: Date) async throws -> ErasureReceipt

    /// The receipt of an erased profile, by its id (or the id of a profile merged into it) or by one of its
    /// identities (their tombstone).
    func erasureReceipt(_ reference: ProfileReference) async throws -> ErasureReceipt?

    /// Appends entries to the access log.
    func recordAccess(_ entries: [AccessLogEntry]) async throws
    /// A profile's access log entries (and those of the profiles merged into it), oldest first.
    func accessLog(of profile: ProfileID) async throws -> [AccessLogEntry]
}

/// What an erasure needs besides the profile.
public struct ErasureRequest: Sendable {
    /// The receipt's id (`er_…`).
    public var id: String
    public var at: Date
    /// Suppression keys (blind indexes) of addresses the profile holds besides its `email` identities (an
    /// `email` trait that never became an identity).
    public var suppressionKeys: [String]

    public init(id: String, at: Date, suppressionKeys: [String] = []) {
        self.id = id
        self.at = at
        self.suppressionKeys = suppressionKeys
    }

    /// A new receipt id.
    public static func newID() -> String {
        var rng = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "er_" + String((0..<24).map { _ in digits[Int(rng.next() % 16)] })
    }
}

/// The proof that an erasure happened: what was removed, how many of each kind, when, and how the freed
/// space was dealt with. Holds no personal data (the profile id is Tailor's own random id).
public struct ErasureReceipt: Sendable, Equatable {
    public var id: String
    public var profileId: ProfileID
    public var erasedAt: Date
    /// Rows removed, by kind (``ErasureRun/kinds``).
    public var removed: [String: Int]
    /// Addresses on the suppression list for it (listed before or added now).
    public var suppressed: Int
    /// Identities whose later messages are dropped.
    public var tombstones: Int
    /// `sqlite` or `postgresql`.
    public var backend: String
    /// How the freed space was made unreadable, once done (``PrivacyStore/reclaimErasedSpace(_:at:)``).
    public var reclaim: String?
    public var reclaimedAt: Date?

    public init(id: String, profileId: ProfileID, erasedAt: Date, removed: [String: Int], suppressed: Int, tombstones: Int,
                backend: String, reclaim: String? = nil, reclaimedAt: Date? = nil) {
        self.id = id
        self.profileId = profileId
        self.erasedAt = erasedAt
        self.removed = removed
        self.suppressed = suppressed
        self.tombstones = tombstones
        self.backend = backend
        self.reclaim = reclaim
        self.reclaimedAt = reclaimedAt
    }
}

/// One read of a person's data by an operator.
public struct AccessLogEntry: Sendable, Equatable {
    public var profileId: ProfileID
    public var at: Date
    /// Who: `admin_key`, `dashboard:<user email>`, `cli:<system user>`.
    public var actor: String
    /// What: the route pattern (`GET /v1/profiles/{id}`, never the path, which may hold an address) or the
    /// command (`tailor privacy export`).
    public var action: String
    /// Why, as the reader said (`X-Tailor-Purpose`, `--purpose`).
    public var purpose: String?

    public init(profileId: ProfileID, at: Date, actor: String, action: String, purpose: String? = nil) {
        self.profileId = profileId
        self.at = at
        self.actor = actor
        self.action = action
        self.purpose = purpose
    }
}
