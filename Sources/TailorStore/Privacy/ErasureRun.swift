public import Foundation
public import TailorCore

/// One erasure, written once for both backends: a pure machine that asks its adapter to read and write in
/// portable SQL (``StepSQL``) inside one transaction, as event steps do (``EventStepRun``), and ends with an
/// ``Outcome``.
///
/// In order: a profile erased before answers its receipt; the profile and those merged into it are read
/// with their identities and the rows they own are counted; then the receipt, the erased profile ids, a
/// tombstone per identity and a suppression entry per address are written, and everything the profiles own
/// is deleted (the consent ledger lets the deletion through because the receipt is written first). Nothing
/// is half done: a failure rolls the whole transaction back, and running it again finishes the job.
public struct ErasureRun: EventStepRun {
    /// What the transaction ended with.
    public enum Outcome: Sendable, Equatable {
        case erased(ErasureReceipt)
        /// Erased before: the receipt as it was.
        case existing(ErasureReceipt)
        case notFound
    }

    /// The kinds a receipt counts, each with the table and the condition that selects a profile's rows (`%`
    /// stands for the list of profile ids), in deletion order: `profiles` last, since the others refer to it.
    public static let kinds: [(kind: String, table: String, condition: String)] = [
        ("events", "events", "profile_id IN (%)"),
        ("identities", "identities", "profile_id IN (%)"),
        ("merges", "merges", "from_profile IN (%) OR into_profile IN (%)"),
        ("segment_memberships", "segment_members", "profile_id IN (%)"),
        ("segment_history", "segment_history", "profile_id IN (%)"),
        ("segment_timers", "segment_timers", "profile_id IN (%)"),
        ("rfm_scores", "rfm_scores", "profile_id IN (%)"),
        ("computed_traits", "computed_traits", "profile_id IN (%)"),
        ("campaign_recipients", "campaign_recipients", "profile_id IN (%)"),
        ("messages", "mail_outbox", "profile_id IN (%)"),
        ("journey_runs", "journey_runs", "profile_id IN (%)"),
        ("pending_events", "pending_events", "profile_id IN (%)"),
        ("webhook_calls", "webhook_calls", "profile_id IN (%)"),
        ("consent_entries", "consent_ledger", "profile_id IN (%)"),
        ("profiles", "profiles", "id IN (%)"),
    ]

    /// The tables an erasure deletes from (what PostgreSQL vacuums after).
    public static var tables: [String] { kinds.map(\.table) }

    enum Stage { case start, resolved, erasedBefore, profiles, identities, counted, done }

    let requested: ProfileID
    let request: ErasureRequest
    let backend: String
    let hash: @Sendable (String) -> String
    var stage = Stage.start
    var profile: ProfileID
    var ids: [String] = []
    var identities: [(kind: String, value: String)] = []
    /// How the run ended, once ``next(_:)`` answered `.done`.
    public private(set) var outcome: Outcome?

    /// - Parameters:
    ///   - hash: the store's keyed hash (``FieldCipher/blindIndex(_:)``), for tombstones.
    public init(profile: ProfileID, request: ErasureRequest, backend: String, hash: @escaping @Sendable (String) -> String) {
        requested = profile
        self.profile = profile
        self.request = request
        self.backend = backend
        self.hash = hash
    }

    public mutating func next(_ rows: [StepRow]) throws -> StepAction {
        switch stage {
        case .start:
            stage = .resolved
            return .read(StepSQL("SELECT COALESCE(merged_into, id) FROM profiles WHERE id = ?", [.text(requested.rawValue)]))
        case .resolved:
            if let survivor = rows.first?.first?.text { profile = ProfileID(survivor) }
            stage = .erasedBefore
            return .read(Self.receiptQuery(profile: profile))
        case .erasedBefore:
            if let row = rows.first {
                outcome = .existing(try Self.receipt(row))
                return finish()
            }
            stage = .profiles
            return .read(StepSQL("SELECT id FROM profiles WHERE id = ? OR merged_into = ? ORDER BY id",
                                 [.text(profile.rawValue), .text(profile.rawValue)]))
        case .profiles:
            ids = rows.compactMap { $0.first?.text }
            guard ids.contains(profile.rawValue) else {
                outcome = .notFound
                return finish()
            }
            stage = .identities
            return .read(StepSQL("SELECT kind, value FROM identities WHERE profile_id IN (\(Self.marks(ids.count))) ORDER BY kind, value",
                                 ids.map { .text($0) }))
        case .identities:
            identities = rows.compactMap { r in
                guard r.count == 2, let kind = r[0].text, let value = r[1].text else { return nil }
                return (kind, value)
            }
            stage = .counted
            let parts = Self.kinds.map { k in "SELECT '\(k.kind)', count(*) FROM \(k.table) WHERE \(condition(k.condition))" }
            return .read(StepSQL(parts.joined(separator: " UNION ALL "), Self.kinds.flatMap { k in binds(k.condition) }))
        case .counted:
            var removed: [String: Int] = [:]
            for r in rows where r.count == 2 {
                if let kind = r[0].text, let n = r[1].integer { removed[kind] = Int(n) }
            }
            return write(removed)
        case .done:
            return .done
        }
    }

    private mutating func finish() -> StepAction {
        stage = .done
        return .done
    }

    private mutating func write(_ removed: [String: Int]) -> StepAction {
        let at = request.at.millisecondsSince1970
        let addresses = Array(Set(identities.filter { $0.kind == Identity.Kind.email.rawValue }.map(\.value) + request.suppressionKeys)).sorted()
        let tombstones = Set(identities.map { Self.tombstoneKey(kind: $0.kind, storageKey: $0.value, hash: hash) }).sorted()
        let receipt = ErasureReceipt(id: request.id, profileId: profile, erasedAt: request.at, removed: removed,
                                     suppressed: addresses.count, tombstones: tombstones.count, backend: backend)
        var statements = [StepSQL(
            "INSERT INTO privacy_erasures (id, profile_id, erased_at, counts, suppressed, tombstones, backend) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(receipt.id), .text(profile.rawValue), .integer(at), .text(Self.countsJSON(removed)),
             .integer(Int64(receipt.suppressed)), .integer(Int64(receipt.tombstones)), .text(backend)])]
        for id in ids {
            statements.append(StepSQL("INSERT INTO privacy_erased_profiles (profile_id, erasure_id) VALUES (?, ?)",
                                      [.text(id), .text(receipt.id)]))
        }
        for key in tombstones {
            statements.append(StepSQL(
                "INSERT INTO privacy_tombstones (identity_key, erasure_id) VALUES (?, ?) ON CONFLICT (identity_key) DO NOTHING",
                [.text(key), .text(receipt.id)]))
        }
        for key in addresses {
            statements.append(StepSQL("""
                INSERT INTO mail_suppressions (email_index, reason, source, created_at) VALUES (?, 'manual', 'erasure', ?)
                ON CONFLICT (email_index) DO NOTHING
                """, [.text(key), .integer(at)]))
        }
        // Profiles that merged into another keep a pointer; the survivor's own row goes in the same statement.
        for k in Self.kinds {
            statements.append(StepSQL("DELETE FROM \(k.table) WHERE \(condition(k.condition))", binds(k.condition)))
        }
        outcome = .erased(receipt)
        stage = .done
        return .write(statements)
    }

    private func condition(_ template: String) -> String {
        template.replacingOccurrences(of: "%", with: Self.marks(ids.count))
    }

    private func binds(_ template: String) -> [StepValue] {
        let lists = template.filter { $0 == "%" }.count
        return Array(repeating: ids.map { StepValue.text($0) }, count: lists).flatMap { $0 }
    }

    static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    // MARK: - Receipts and tombstones

    /// The receipt of an erased profile id (the survivor's or one merged into it).
    public static func receiptQuery(profile: ProfileID) -> StepSQL {
        StepSQL("""
            SELECT e.id, e.profile_id, e.erased_at, e.counts, e.suppressed, e.tombstones, e.backend, e.reclaim, e.reclaimed_at
            FROM privacy_erasures e JOIN privacy_erased_profiles p ON p.erasure_id = e.id WHERE p.profile_id = ?
            """, [.text(profile.rawValue)])
    }

    /// The receipt whose tombstones hold this key.
    public static func receiptQuery(tombstone key: String) -> StepSQL {
        StepSQL("""
            SELECT e.id, e.profile_id, e.erased_at, e.counts, e.suppressed, e.tombstones, e.backend, e.reclaim, e.reclaimed_at
            FROM privacy_erasures e JOIN privacy_tombstones t ON t.erasure_id = e.id WHERE t.identity_key = ?
            """, [.text(key)])
    }

    /// A receipt by its id.
    public static func receiptQuery(id: String) -> StepSQL {
        StepSQL("""
            SELECT id, profile_id, erased_at, counts, suppressed, tombstones, backend, reclaim, reclaimed_at
            FROM privacy_erasures WHERE id = ?
            """, [.text(id)])
    }

    /// A row of a receipt query.
    public static func receipt(_ r: StepRow) throws -> ErasureReceipt {
        guard r.count == 9, let id = r[0].text, let profile = r[1].text, let at = r[2].integer, let counts = r[3].text,
              let suppressed = r[4].integer, let tombstones = r[5].integer, let backend = r[6].text,
              case .object(let object) = try? JSONParser.parse(counts) else {
            throw StoreError(.corruptRow, "privacy_erasures: a receipt row cannot be read")
        }
        var removed: [String: Int] = [:]
        for (kind, value) in object { if let n = value.doubleValue { removed[kind] = Int(n) } }
        return ErasureReceipt(id: id, profileId: ProfileID(profile), erasedAt: Date(millisecondsSince1970: at), removed: removed,
                              suppressed: Int(suppressed), tombstones: Int(tombstones), backend: backend, reclaim: r[7].text,
                              reclaimedAt: r[8].integer.map { Date(millisecondsSince1970: $0) })
    }

    static func countsJSON(_ removed: [String: Int]) -> String {
        var object: JSONObject = [:]
        for k in kinds { object[k.kind] = .number(Double(removed[k.kind] ?? 0)) }
        return JSONWriter.string(.object(object))
    }

    /// The key an erased identity's tombstone is kept under: a keyed hash of its kind and storage key (the
    /// id itself, or an address's blind index), so the tombstone names nobody.
    public static func tombstoneKey(kind: String, storageKey: String, hash: (String) -> String) -> String {
        hash("erased " + kind + ":" + storageKey)
    }
}
