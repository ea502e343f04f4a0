public import Foundation
public import TailorCore

/// The privacy port's statements that are not part of an erasure, in portable SQL (``StepSQL``): both adapters
/// run them as written.
public enum PrivacySQL {
    /// Records how an erasure's freed space was dealt with (nil: undone, when the attempt failed).
    public static func recordReclaim(_ erasure: String, how: String?, at: Date?) -> StepSQL {
        StepSQL("UPDATE privacy_erasures SET reclaim = ?, reclaimed_at = ? WHERE id = ?",
                [how.map { .text($0) } ?? .null, at.map { .integer($0.millisecondsSince1970) } ?? .null, .text(erasure)])
    }

    /// The receipt a reference leads to: by profile id, or by the tombstone of an identity.
    public static func receiptQuery(_ reference: ProfileReference, storageKey: (Identity) -> String,
                                    hash: (String) -> String) -> StepSQL {
        switch reference {
        case .id(let id):
            return ErasureRun.receiptQuery(profile: id)
        case .identity(let identity):
            return ErasureRun.receiptQuery(tombstone: ErasureRun.tombstoneKey(kind: identity.kind.rawValue, storageKey: storageKey(identity),
                                                                               hash: hash))
        }
    }

    public static func insertAccess(_ e: AccessLogEntry) -> StepSQL {
        StepSQL("INSERT INTO privacy_access_log (profile_id, at, actor, action, purpose) VALUES (?, ?, ?, ?, ?)",
                [.text(e.profileId.rawValue), .integer(e.at.millisecondsSince1970), .text(e.actor), .text(e.action),
                 e.purpose.map { .text($0) } ?? .null])
    }

    /// A profile's entries and those of the profiles merged into it (or erased with it), oldest first.
    public static func accessLogQuery(_ profile: ProfileID) -> StepSQL {
        StepSQL("""
            SELECT profile_id, at, actor, action, purpose FROM privacy_access_log
            WHERE profile_id = ? OR profile_id IN (SELECT id FROM profiles WHERE merged_into = ?)
              OR profile_id IN (SELECT profile_id FROM privacy_erased_profiles
                                WHERE erasure_id = (SELECT erasure_id FROM privacy_erased_profiles WHERE profile_id = ?))
            ORDER BY id
            """, [.text(profile.rawValue), .text(profile.rawValue), .text(profile.rawValue)])
    }

    public static func accessEntry(_ r: StepRow) throws -> AccessLogEntry {
        guard r.count == 5, let profile = r[0].text, let at = r[1].integer, let actor = r[2].text, let action = r[3].text else {
            throw StoreError(.corruptRow, "privacy_access_log: an entry cannot be read")
        }
        return AccessLogEntry(profileId: ProfileID(profile), at: Date(millisecondsSince1970: at), actor: actor, action: action,
                              purpose: r[4].text)
    }

    /// Whether any identity was ever erased: ingest looks for tombstones only then.
    public static let anyTombstone = "SELECT EXISTS (SELECT 1 FROM privacy_tombstones)"
}
