import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Ingest

extension SQLiteDatabase {
    public func prepareIngest(_ messages: [Message]) throws -> PreparedBatch {
        try PreparedBatch(messages: messages, cipher: cipher, policy: policy)
    }

    public func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult {
        try await ingest(prepareIngest(messages), planner: planner)
    }

    public func ingest(_ batch: PreparedBatch, planner: IngestPlanner) async throws -> IngestResult {
        let result = try await commitIngest(batch, planner: planner)
        try await walSyncer?.sync()
        return result
    }

    public func ingest(_ batch: PreparedBatch, planner: IngestPlanner,
                       whenDurable: @escaping @Sendable (Result<IngestResult, any Error>) -> Void) async throws {
        let result = try await commitIngest(batch, planner: planner)
        if let walSyncer { walSyncer.whenSynced { whenDurable($0.map { result }) } } else { whenDurable(.success(result)) }
    }

    /// Ingest up to its commit (not yet synced).
    private func commitIngest(_ batch: PreparedBatch, planner: IngestPlanner) async throws -> IngestResult {
        let messages = batch.messages
        guard !messages.isEmpty else { return IngestResult() }
        // Blind indexes and each event's columns were computed by `prepareIngest`, outside the single
        // writer; only the profile of each event is decided inside.
        let keys = batch.storageKeys(using: cipher)
        let prepared = batch.events
        let cache = ingestCache
        let outcome: (result: IngestResult, token: UInt64)
        do {
            outcome = try await pool.write { db in
                try self.ingestTransaction(db, messages: messages, keys: keys, prepared: prepared,
                                           planner: planner, cache: cache)
            }
        } catch {
            cache.invalidate()
            throw error
        }
        cache.confirm(outcome.token)
        return outcome.result
    }

    /// The writer's part of ingest: resolve identities (from the cache when it can be trusted), plan,
    /// write, maintain segment memberships, run the event steps, and record what the cache may keep.
    private func ingestTransaction(_ db: Database, messages: [Message], keys: [Identity: String],
                                   prepared: [String: EventRow], planner: IngestPlanner,
                                   cache: SQLiteIngestCache) throws -> (result: IngestResult, token: UInt64) {
        let now = Date()
        var snapshot = IngestSnapshot()
        let marker = SQLiteIngestCache.Marker(dataVersion: try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0,
                                              totalChanges: db.totalChangesCount)
        if cache.begin(marker) { snapshot.links = cache.links(keys.keys) }
        // Reads in chunks of IN lists (one statement per few hundred rows instead of one per row), per
        // identity kind so that each stays on the (kind, value) primary key.
        for kind in Identity.Kind.allCases {
            let ofKind = keys.filter { $0.key.kind == kind && snapshot.links[$0.key] == nil }
            var byKey: [String: [Identity]] = [:]
            for (identity, key) in ofKind { byKey[key, default: []].append(identity) }
            for chunk in Array(byKey.keys).chunked(400) {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT value, profile_id FROM identities WHERE kind = ? AND value IN (\(Self.placeholders(chunk.count)))",
                    arguments: StatementArguments([kind.rawValue] + chunk))
                for row in rows {
                    for identity in byKey[row[0] as String] ?? [] { snapshot.links[identity] = ProfileID(row[1] as String) }
                }
            }
        }
        let (messages, dropped) = try droppingErased(db, messages, keys: keys, known: snapshot.links)
        let owners = Set(snapshot.links.values)
        snapshot.profiles = cache.profiles(owners)
        let unread = owners.filter { snapshot.profiles[$0] == nil }
        if !unread.isEmpty {
            snapshot.profiles.merge(try Self.loadAggregates(db, ids: Array(unread), cipher: cipher)) { cached, _ in cached }
        }
        snapshot.existingMessageIds = try Self.storedMessageIds(db, among: messages.map(\.messageId))

        let plan = planner.plan(messages, snapshot: snapshot)
        let saved = try Self.apply(plan, db: db, now: now, cipher: cipher, policy: policy, keys: keys, prepared: prepared)
        let (changes, stale, facts) = try maintainSegments(db, plan: plan, aggregates: saved, cache: cache, prepared: prepared)
        try runEventSteps(db, events: plan.events, changes: changes, now: segmentRuntime.now)
        // The links read (unless a merge moved them: then nothing is kept) and the links written.
        let token = cache.record(links: snapshot.links.merging(plan.links) { $1 }, saved: saved, stale: stale, facts: facts,
                                 mergesHappened: !plan.merges.isEmpty,
                                 marker: SQLiteIngestCache.Marker(dataVersion: marker.dataVersion, totalChanges: db.totalChangesCount))
        var result = IngestResult(plan: plan)
        result.dropped = dropped.count
        result.droppedMessageIds = dropped
        return (result, token)
    }

    /// The messages that name no erased identity (``ErasedIdentities``), and the ids of those dropped.
    private func droppingErased(_ db: Database, _ messages: [Message], keys: [Identity: String],
                                known: [Identity: ProfileID]) throws -> ([Message], Set<String>) {
        guard try Bool.fetchOne(db.cachedStatement(sql: PrivacySQL.anyTombstone)) == true else { return (messages, []) }
        let candidates = ErasedIdentities.candidates(messages, storageKeys: keys, known: known, hash: cipher.blindIndex)
        guard !candidates.isEmpty else { return (messages, []) }
        var erased = Set<Identity>()
        for chunk in Array(candidates.keys).chunked(400) {
            let sql = "SELECT identity_key FROM privacy_tombstones WHERE identity_key IN (\(Self.placeholders(chunk.count)))"
            for key in try String.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                if let identity = candidates[key] { erased.insert(identity) }
            }
        }
        return ErasedIdentities.dropping(messages, erased: erased)
    }

    /// Which of these message ids are stored. One prepared statement of a fixed width, reused (padded with
    /// a repeated id): preparing a statement for every batch's own count showed in the writer's profile.
    static func storedMessageIds(_ db: Database, among ids: [String]) throws -> Set<String> {
        let width = 200
        let statement = try db.cachedStatement(sql: "SELECT message_id FROM events WHERE message_id IN (\(placeholders(width)))")
        var found = Set<String>()
        for chunk in Array(Set(ids)).chunked(width) {
            var values = Array(chunk)
            values += Array(repeating: values[0], count: width - values.count)
            found.formUnion(try String.fetchAll(statement, arguments: StatementArguments(values)))
        }
        return found
    }

    /// Writes a plan; returns the profiles as saved (rebuilt where the plan asked).
    @discardableResult
    static func apply(_ plan: IngestPlan, db: Database, now: Date, cipher: FieldCipher, policy: PersonalDataPolicy,
                      keys: [Identity: String] = [:], prepared: [String: EventRow] = [:]) throws -> [ProfileID: ProfileAggregate] {
        let nowMs = now.millisecondsSince1970
        let created = Set(plan.createdProfiles)
        for id in plan.createdProfiles {
            guard let p = plan.profiles[id] else { continue }
            try db.execute(sql: "INSERT INTO profiles (id, created_at, updated_at) VALUES (?, ?, ?)",
                           arguments: [id.rawValue, p.createdAt.millisecondsSince1970, nowMs])
        }
        for merge in plan.merges {
            try db.execute(sql: "UPDATE events SET profile_id = ? WHERE profile_id = ?", arguments: [merge.into.rawValue, merge.from.rawValue])
            try db.execute(sql: "UPDATE identities SET profile_id = ? WHERE profile_id = ?", arguments: [merge.into.rawValue, merge.from.rawValue])
            try db.execute(sql: "UPDATE profiles SET merged_into = ?, updated_at = ? WHERE id = ?",
                           arguments: [merge.into.rawValue, nowMs, merge.from.rawValue])
            try db.execute(sql: "UPDATE profiles SET merged_into = ? WHERE merged_into = ?", arguments: [merge.into.rawValue, merge.from.rawValue])
            try db.execute(sql: "INSERT INTO merges (from_profile, into_profile, reason, message_id, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [merge.from.rawValue, merge.into.rawValue, merge.reason, merge.messageId, merge.at.millisecondsSince1970])
        }
        let link = try db.cachedStatement(sql: """
            INSERT INTO identities (kind, value, profile_id, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (kind, value) DO UPDATE SET profile_id = excluded.profile_id
            """)
        for (identity, owner) in plan.links {
            try link.execute(arguments: [identity.kind.rawValue, keys[identity] ?? cipher.storageKey(identity), owner.rawValue, nowMs])
        }
        // Encoding profile rows (JSON, sealed personal traits) needs no database: for a large plan it runs on
        // another thread while this one inserts the events. Rebuilt profiles are encoded after, from their
        // history with these events.
        let encodable = plan.profiles.filter { !plan.rebuild.contains($0.key) }
        let withTraits = plan.traitsChanged.union(created)
        let encoding = encodable.count >= 32
            ? HandedOff { try encodeRows(encodable, withTraits: withTraits, now: now, cipher: cipher, policy: policy) } : nil
        let insert = try db.cachedStatement(sql: """
            INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (profile, message) in plan.events {
            var r = try prepared[message.messageId] ?? EventRow(profile: profile, message: message, cipher: cipher, policy: policy)
            r.profileId = profile.rawValue
            try insert.run(in: db) {
                $0.bind(r.messageId)
                $0.bind(r.profileId)
                $0.bind(r.type)
                $0.bind(r.name)
                $0.bind(r.timestamp)
                $0.bind(r.receivedAt)
                $0.bind(r.userId)
                $0.bind(r.anonymousId)
                $0.bind(r.properties)
                $0.bind(r.traits)
                $0.bind(r.personal)
            }
        }
        let rows = try encoding?.wait() ?? encodeRows(encodable, withTraits: withTraits, now: now, cipher: cipher, policy: policy)
        var saved = encodable
        for (id, row) in rows {
            try saveProfile(db, row, traits: withTraits.contains(id))
        }
        for id in plan.rebuild {
            guard var aggregate = plan.profiles[id] else { continue }
            aggregate.rebuild(from: try loadHistory(db, id: id, cipher: cipher))
            try saveProfile(db, ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy, includeTraits: true), traits: true)
            saved[id] = aggregate
        }
        return saved
    }

    /// The rows of some profiles as saved at `now`, with their traits for those in `withTraits`.
    static func encodeRows(_ profiles: [ProfileID: ProfileAggregate], withTraits: Set<ProfileID>, now: Date, cipher: FieldCipher,
                           policy: PersonalDataPolicy) throws -> [ProfileID: ProfileRow] {
        var rows: [ProfileID: ProfileRow] = [:]
        rows.reserveCapacity(profiles.count)
        for (id, aggregate) in profiles {
            rows[id] = try ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy, includeTraits: withTraits.contains(id))
        }
        return rows
    }

    static func saveProfile(_ db: Database, _ r: ProfileRow, traits: Bool = true) throws {
        let statement = try db.cachedStatement(sql: traits ? """
            UPDATE profiles SET created_at = ?, updated_at = ?, traits = ?, personal = ?, trait_stamps = ?, event_count = ?, first_seen = ?, last_seen = ?,
              last_activity = ?, order_count = ?, revenue = ?, last_order_at = ?, last_order_value = ?, last_order_key = ?,
              email_opens = ?, email_clicks = ?, cart = ?, cart_value = ?, cart_updated_at = ?, cart_ledger = ?
            WHERE id = ?
            """ : """
            UPDATE profiles SET updated_at = ?, event_count = ?, first_seen = ?, last_seen = ?, last_activity = ?, order_count = ?,
              revenue = ?, last_order_at = ?, last_order_value = ?, last_order_key = ?, email_opens = ?, email_clicks = ?, cart = ?,
              cart_value = ?, cart_updated_at = ?, cart_ledger = ?
            WHERE id = ?
            """)
        try statement.run(in: db) { b in
            if traits {
                b.bind(r.createdAt)
                b.bind(r.updatedAt)
                b.bind(r.traits)
                b.bind(r.personal)
                b.bind(r.traitStamps)
            } else {
                b.bind(r.updatedAt)
            }
            b.bind(r.eventCount)
            b.bind(r.firstSeen)
            b.bind(r.lastSeen)
            b.bind(r.lastActivity)
            b.bind(r.orderCount)
            b.bind(r.revenue)
            b.bind(r.lastOrderAt)
            b.bind(r.lastOrderValue)
            b.bind(r.lastOrderKey)
            b.bind(r.emailOpens)
            b.bind(r.emailClicks)
            b.bind(r.cart)
            b.bind(r.cartValue)
            b.bind(r.cartUpdatedAt)
            b.bind(r.cartLedger)
            b.bind(r.id)
        }
    }
}
