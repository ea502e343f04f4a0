import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Ingest

extension PostgresDatabase {
    /// An identity as stored: its kind and its storage key (the blind index for emails).
    struct IdentityKey: Hashable, Sendable {
        var kind: String
        var value: String
    }

    public func prepareIngest(_ messages: [Message]) throws -> PreparedBatch {
        try PreparedBatch(messages: messages, cipher: cipher, policy: policy)
    }

    public func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult {
        try await ingest(prepareIngest(messages), planner: planner)
    }

    public func ingest(_ batch: PreparedBatch, planner: IngestPlanner) async throws -> IngestResult {
        let messages = batch.messages
        guard !messages.isEmpty else { return IngestResult() }
        var keys: [IdentityKey: Identity] = [:]
        for (identity, key) in batch.storageKeys(using: cipher) {
            keys[IdentityKey(kind: identity.kind.rawValue, value: PostgresText.clean(key))] = identity
        }
        let prepared = batch.events
        let messageIds = Array(Set(messages.map { PostgresText.clean($0.messageId) }))
        let keyed = keys
        return try await withContext("ingest") {
            try await self.retrying {
                try await self.transaction { conn in
                    let snapshot = try await self.snapshot(conn, keys: keyed, messageIds: messageIds)
                    let (messages, dropped) = try await self.droppingErased(conn, messages, keys: keyed, known: snapshot.links)
                    let plan = planner.plan(messages, snapshot: snapshot)
                    let saved = try await self.apply(plan, snapshot: snapshot, on: conn, prepared: prepared)
                    let changes = try await self.maintainSegments(conn, plan: plan, aggregates: saved)
                    try await self.runEventSteps(conn, events: plan.events, changes: changes, now: self.segmentRuntime.now)
                    var result = IngestResult(plan: plan)
                    result.dropped = dropped.count
                    result.droppedMessageIds = dropped
                    return result
                }
            }
        }
    }

    /// The messages that name no erased identity (``ErasedIdentities``), and the ids of those dropped.
    func droppingErased(_ conn: PostgresConnection, _ messages: [Message], keys: [IdentityKey: Identity],
                        known: [Identity: ProfileID]) async throws -> ([Message], Set<String>) {
        // Every identity of the batch found a live profile: none can be erased, and the check costs nothing.
        guard keys.values.contains(where: { $0.kind != .email && known[$0] == nil }) else { return (messages, []) }
        let any = try await rows(PostgresQuery(unsafeSQL: PrivacySQL.anyTombstone), on: conn)
        guard try any.first?[0].decode(Bool.self) == true else { return (messages, []) }
        var storageKeys: [Identity: String] = [:]
        for (key, identity) in keys { storageKeys[identity] = key.value }
        let candidates = ErasedIdentities.candidates(messages, storageKeys: storageKeys, known: known, hash: cipher.blindIndex)
        var erased = Set<Identity>()
        for r in try await rows("SELECT identity_key FROM privacy_tombstones WHERE identity_key = ANY(\(Array(candidates.keys)))", on: conn) {
            if let identity = candidates[try r[0].decode(String.self)] { erased.insert(identity) }
        }
        return ErasedIdentities.dropping(messages, erased: erased)
    }

    /// Reads what the planner needs, locking the profiles it may change.
    ///
    /// The owners of the batch's identities are locked first (`FOR UPDATE`, in id order), then one query reads
    /// the links again, the identities of the locked profiles and which message ids are stored. While a
    /// transaction holds a profile row nobody else can move identities to or from that profile (merges and
    /// new links lock their profiles too), so the links stay true until commit. When a link moved between the
    /// lock and the read (a concurrent merge), the new owner is locked as well and the read is repeated.
    func snapshot(_ conn: PostgresConnection, keys: [IdentityKey: Identity], messageIds: [String]) async throws -> IngestSnapshot {
        // The batch's identities are looked up one primary-key probe each (`LATERAL … LIMIT 1` keeps the
        // planner from turning the lookup into a join): a hash join with UNNEST(kinds, values), or
        // `(kind = 'user' AND value = ANY($1)) OR …`, were planned as scans of the whole table, whose cost grows
        // with every identity ever stored (measured: 5 ms a batch at 25,000 identities, 2.5 ms with probes).
        let kinds = keys.keys.map(\.kind)
        let values = keys.keys.map(\.value)
        var locked: [ProfileID: ProfileRow] = [:]
        var toLock: [String]? = nil
        var round = 0
        while true {
            round += 1
            if !keys.isEmpty {
                let lockedRows: [PostgresRandomAccessRow]
                if let ids = toLock {
                    lockedRows = try await rows("""
                        SELECT \(unescaped: Self.profileColumns), merged_into FROM profiles WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE
                        """, on: conn)
                } else {
                    // First, a transaction-scoped advisory lock per identity of the batch (in key order, so two
                    // batches never wait on each other in a cycle): batches that share an identity, even a new
                    // one, run one after the other instead of both creating it and one retrying.
                    lockedRows = try await rows("""
                        WITH held AS MATERIALIZED (SELECT count(pg_advisory_xact_lock(k)) AS n FROM UNNEST(\(Self.lockKeys(keys.keys))::int8[]) AS k)
                        SELECT \(unescaped: Self.profileColumns), merged_into FROM profiles
                        WHERE (SELECT n FROM held) >= 0
                          AND id IN (SELECT i.profile_id FROM UNNEST(\(kinds)::text[], \(values)::text[]) AS k(kind, value)
                                     CROSS JOIN LATERAL (SELECT profile_id FROM identities
                                                         WHERE kind = k.kind AND value = k.value LIMIT 1) AS i)
                        ORDER BY id FOR UPDATE
                        """, on: conn)
                }
                // A profile merged away while we waited for its lock is skipped: the read below finds its survivor.
                for r in lockedRows where try r[21].decode(String?.self) == nil {
                    let row = try Self.profileRow(r)
                    locked[ProfileID(row.id)] = row
                }
            }
            // 0: a link of the batch; 1: an identity of a locked profile; 2: a message stored already.
            let found = try await rows("""
                SELECT 0, i.kind, i.value, i.profile_id FROM UNNEST(\(kinds)::text[], \(values)::text[]) AS k(kind, value)
                CROSS JOIN LATERAL (SELECT kind, value, profile_id FROM identities WHERE kind = k.kind AND value = k.value LIMIT 1) AS i
                UNION ALL
                SELECT 1, kind, value, profile_id FROM identities WHERE profile_id = ANY(\(locked.keys.map(\.rawValue))) AND kind <> 'email'
                UNION ALL
                SELECT 2, NULL, message_id, NULL FROM events WHERE message_id = ANY(\(messageIds))
                """, on: conn)
            var snapshot = IngestSnapshot()
            var identities: [ProfileID: Set<Identity>] = [:]
            for r in found {
                switch try r[0].decode(Int32.self) {
                case 0:
                    let key = IdentityKey(kind: try r[1].decode(String.self), value: try r[2].decode(String.self))
                    if let identity = keys[key] { snapshot.links[identity] = ProfileID(try r[3].decode(String.self)) }
                case 1:
                    guard let kind = Identity.Kind(rawValue: try r[1].decode(String.self)) else { continue }
                    identities[ProfileID(try r[3].decode(String.self)), default: []].insert(Identity(kind, try r[2].decode(String.self)))
                default:
                    snapshot.existingMessageIds.insert(try r[2].decode(String.self))
                }
            }
            let owners = Set(snapshot.links.values)
            let missing = owners.filter { locked[$0] == nil }
            if missing.isEmpty {
                for (id, row) in locked where owners.contains(id) {
                    snapshot.profiles[id] = try row.aggregate(cipher: cipher, identities: identities[id] ?? [])
                }
                return snapshot
            }
            guard round < 10 else { throw StoreError(.conflict, "identity links kept moving while a batch was being planned") }
            toLock = missing.map(\.rawValue).sorted()
        }
    }

    /// Advisory lock keys for identities: FNV-1a (64 bits) of kind and storage key, sorted and unique. The same
    /// on every node; a collision only makes two batches wait for each other.
    static func lockKeys(_ keys: some Collection<IdentityKey>) -> [Int64] {
        var result = Set<Int64>()
        for key in keys {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in key.kind.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3
            for byte in key.value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            result.insert(Int64(bitPattern: hash))
        }
        return result.sorted()
    }

    /// The readable identities (user and anonymous ids; emails are stored only as blind indexes) of profiles.
    func identities(of ids: [ProfileID], on conn: PostgresConnection) async throws -> [ProfileID: Set<Identity>] {
        var result: [ProfileID: Set<Identity>] = [:]
        let rows = try await rows("""
            SELECT profile_id, kind, value FROM identities WHERE profile_id = ANY(\(ids.map(\.rawValue))) AND kind <> 'email'
            """, on: conn)
        for r in rows {
            guard let kind = Identity.Kind(rawValue: try r[1].decode(String.self)) else { continue }
            result[ProfileID(try r[0].decode(String.self)), default: []].insert(Identity(kind, try r[2].decode(String.self)))
        }
        return result
    }

    /// Writes a plan: merges first (each one statement), then the profiles' rows (rebuilt from their whole
    /// history where the plan asks), the new identity links and the events together in one statement.
    /// Returns the profiles as saved (rebuilt where the plan asked).
    @discardableResult
    func apply(_ plan: IngestPlan, snapshot: IngestSnapshot, on conn: PostgresConnection,
               prepared: [String: EventRow] = [:]) async throws -> [ProfileID: ProfileAggregate] {
        let now = Date()
        let nowMs = now.millisecondsSince1970
        let created = Set(plan.createdProfiles)

        if !plan.merges.isEmpty {
            // A merge can move events to a profile this batch creates: that row must exist before it.
            let targets = Array(Set(plan.merges.map(\.into).filter { created.contains($0) && plan.profiles[$0] != nil }))
            if !targets.isEmpty {
                let createdAt = targets.map { plan.profiles[$0]!.createdAt.millisecondsSince1970 }
                try await conn.query("""
                    INSERT INTO profiles (id, created_at, updated_at)
                    SELECT id, created_at, \(nowMs) FROM UNNEST(\(targets.map(\.rawValue))::text[], \(createdAt)::int8[]) AS r(id, created_at)
                    """, logger: logger)
            }
            // In plan order (a batch can merge A into B, then B into C). Events and identities move to the
            // survivor; the merged profile, and those merged into it before, point at the survivor.
            for merge in plan.merges {
                let from = merge.from.rawValue
                let into = merge.into.rawValue
                try await conn.query("""
                    WITH moved_events AS (UPDATE events SET profile_id = \(into) WHERE profile_id = \(from)),
                         moved_identities AS (UPDATE identities SET profile_id = \(into) WHERE profile_id = \(from)),
                         redirected AS (UPDATE profiles SET merged_into = \(into), updated_at = \(nowMs) WHERE id = \(from) OR merged_into = \(from))
                    INSERT INTO merges (from_profile, into_profile, reason, message_id, at)
                    VALUES (\(from), \(into), \(merge.reason), \(PostgresText.clean(merge.messageId)), \(merge.at.millisecondsSince1970))
                    """, logger: logger)
            }
        }

        // Identity links. New ones are inserted without ON CONFLICT, so that a writer that linked the same
        // identity first makes this transaction fail and retry rather than have its link stolen.
        var links = IdentityColumns()
        var moved = IdentityColumns()
        for (identity, owner) in plan.links {
            if let before = snapshot.links[identity] {
                guard before != owner, !plan.merges.contains(where: { $0.from == before && $0.into == owner }) else { continue }
                moved.append(identity.kind.rawValue, storageKey(identity), owner.rawValue)
            } else {
                links.append(identity.kind.rawValue, storageKey(identity), owner.rawValue)
            }
        }
        if !moved.kinds.isEmpty {
            try await conn.query("""
                UPDATE identities AS i SET profile_id = r.profile_id
                FROM UNNEST(\(moved.kinds)::text[], \(moved.values)::text[], \(moved.owners)::text[]) AS r(kind, value, profile_id)
                WHERE i.kind = r.kind AND i.value = r.value
                """, logger: logger)
        }

        // Rebuilds read the stored history (merged profiles' events have moved in above) plus the batch's events.
        var histories: [ProfileID: [Message]] = [:]
        if !plan.rebuild.isEmpty {
            histories = try await self.histories(of: Array(plan.rebuild), on: conn)
            for (profile, message) in plan.events where plan.rebuild.contains(profile) { histories[profile, default: []].append(message) }
        }
        var profileRows: [ProfileRow] = []
        profileRows.reserveCapacity(plan.profiles.count)
        var saved: [ProfileID: ProfileAggregate] = [:]
        for (id, aggregate) in plan.profiles {
            var aggregate = aggregate
            if plan.rebuild.contains(id) { aggregate.rebuild(from: histories[id] ?? []) }
            profileRows.append(try ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy))
            saved[id] = aggregate
        }
        let p = ProfileColumns(profileRows)
        let e = EventColumns(try plan.events.map { event in
            var row = try prepared[event.message.messageId] ?? EventRow(profile: event.profile, message: event.message, cipher: cipher, policy: policy)
            row.profileId = event.profile.rawValue
            return row
        })

        // One statement: profile rows (new or updated), new links, events. Foreign keys are checked at the end
        // of the statement, when the new profiles exist.
        try await conn.query("""
            WITH saved AS (
              INSERT INTO profiles (id, created_at, updated_at, traits, personal, trait_stamps, event_count, first_seen, last_seen,
                                    last_activity, order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens,
                                    email_clicks, cart, cart_value, cart_updated_at, cart_ledger)
              SELECT id, created_at, updated_at, traits::jsonb, personal, trait_stamps::jsonb, event_count, first_seen, last_seen,
                     last_activity, order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens, email_clicks,
                     cart::jsonb, cart_value, cart_updated_at, cart_ledger
              FROM UNNEST(\(p.ids)::text[], \(p.createdAt)::int8[], \(p.updatedAt)::int8[], \(p.traits)::text[], \(p.personal)::bytea[],
                          \(p.stamps)::text[], \(p.eventCount)::int8[], \(p.firstSeen)::int8[], \(p.lastSeen)::int8[],
                          \(p.lastActivity)::int8[], \(p.orderCount)::int8[], \(p.revenue)::float8[], \(p.lastOrderAt)::int8[],
                          \(p.lastOrderValue)::float8[], \(p.lastOrderKey)::text[], \(p.opens)::int8[], \(p.clicks)::int8[],
                          \(p.cart)::text[], \(p.cartValue)::float8[], \(p.cartUpdatedAt)::int8[], \(p.cartLedger)::text[])
                AS r(id, created_at, updated_at, traits, personal, trait_stamps, event_count, first_seen, last_seen, last_activity,
                     order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens, email_clicks, cart, cart_value,
                     cart_updated_at, cart_ledger)
              ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
                traits = excluded.traits, personal = excluded.personal, trait_stamps = excluded.trait_stamps,
                event_count = excluded.event_count, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                last_activity = excluded.last_activity, order_count = excluded.order_count, revenue = excluded.revenue,
                last_order_at = excluded.last_order_at, last_order_value = excluded.last_order_value,
                last_order_key = excluded.last_order_key, email_opens = excluded.email_opens, email_clicks = excluded.email_clicks,
                cart = excluded.cart, cart_value = excluded.cart_value, cart_updated_at = excluded.cart_updated_at,
                cart_ledger = excluded.cart_ledger
            ),
            linked AS (
              INSERT INTO identities (kind, value, profile_id, created_at)
              SELECT kind, value, profile_id, \(nowMs) FROM UNNEST(\(links.kinds)::text[], \(links.values)::text[], \(links.owners)::text[])
                AS r(kind, value, profile_id)
            )
            INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal)
            SELECT m, p, t, n, ts, ra, u, a, pr::jsonb, tr::jsonb, pe
            FROM UNNEST(\(e.messageIds)::text[], \(e.profiles)::text[], \(e.types)::text[], \(e.names)::text[], \(e.timestamps)::int8[],
                        \(e.received)::int8[], \(e.users)::text[], \(e.anonymous)::text[], \(e.properties)::text[], \(e.traits)::text[],
                        \(e.personal)::bytea[])
              WITH ORDINALITY AS r(m, p, t, n, ts, ra, u, a, pr, tr, pe, ord)
            ORDER BY ord
            """, logger: logger)
        return saved
    }

    /// Every event of the given profiles, as messages, grouped by profile.
    func histories(of ids: [ProfileID], on conn: PostgresConnection) async throws -> [ProfileID: [Message]] {
        var result: [ProfileID: [Message]] = [:]
        let rows = try await rows("""
            SELECT \(unescaped: Self.eventColumns) FROM events WHERE profile_id = ANY(\(ids.map(\.rawValue)))
            """, on: conn)
        for r in rows {
            let event = try Self.eventRow(r)
            result[ProfileID(event.profileId), default: []].append(try event.message(cipher: cipher))
        }
        return result
    }

    /// Writes profiles' traits and state with one statement (rebuilds; ingest upserts in `apply`).
    func saveProfiles(_ rows: [ProfileRow], on conn: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let p = ProfileColumns(rows)
        try await conn.query("""
            UPDATE profiles AS p SET created_at = r.created_at, updated_at = r.updated_at, traits = r.traits::jsonb, personal = r.personal,
              trait_stamps = r.trait_stamps::jsonb, event_count = r.event_count, first_seen = r.first_seen, last_seen = r.last_seen,
              last_activity = r.last_activity, order_count = r.order_count, revenue = r.revenue, last_order_at = r.last_order_at,
              last_order_value = r.last_order_value, last_order_key = r.last_order_key, email_opens = r.email_opens,
              email_clicks = r.email_clicks, cart = r.cart::jsonb, cart_value = r.cart_value, cart_updated_at = r.cart_updated_at,
              cart_ledger = r.cart_ledger
            FROM UNNEST(\(p.ids)::text[], \(p.createdAt)::int8[], \(p.updatedAt)::int8[], \(p.traits)::text[], \(p.personal)::bytea[],
                        \(p.stamps)::text[], \(p.eventCount)::int8[], \(p.firstSeen)::int8[], \(p.lastSeen)::int8[],
                        \(p.lastActivity)::int8[], \(p.orderCount)::int8[], \(p.revenue)::float8[], \(p.lastOrderAt)::int8[],
                        \(p.lastOrderValue)::float8[], \(p.lastOrderKey)::text[], \(p.opens)::int8[], \(p.clicks)::int8[],
                        \(p.cart)::text[], \(p.cartValue)::float8[], \(p.cartUpdatedAt)::int8[], \(p.cartLedger)::text[])
              AS r(id, created_at, updated_at, traits, personal, trait_stamps, event_count, first_seen, last_seen, last_activity,
                   order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens, email_clicks, cart, cart_value,
                   cart_updated_at, cart_ledger)
            WHERE p.id = r.id
            """, logger: logger)
    }
}

// MARK: - Column arrays

/// Identity links as parallel arrays, for `UNNEST`.
struct IdentityColumns {
    var kinds: [String] = []
    var values: [String] = []
    var owners: [String] = []

    mutating func append(_ kind: String, _ value: String, _ owner: String) {
        kinds.append(kind)
        values.append(value)
        owners.append(owner)
    }
}

/// Profile rows as parallel arrays, for `UNNEST`; text made safe for PostgreSQL.
struct ProfileColumns {
    let ids: [String], createdAt: [Int64], updatedAt: [Int64], traits: [String], personal: PostgresArray<Data>, stamps: [String]
    let eventCount: [Int64], firstSeen: PostgresArray<Int64>, lastSeen: PostgresArray<Int64>, lastActivity: PostgresArray<Int64>
    let orderCount: [Int64], revenue: [Double], lastOrderAt: PostgresArray<Int64>, lastOrderValue: PostgresArray<Double>
    let lastOrderKey: PostgresArray<String>, opens: [Int64], clicks: [Int64], cart: [String], cartValue: [Double]
    let cartUpdatedAt: PostgresArray<Int64>, cartLedger: PostgresArray<String>

    init(_ rows: [ProfileRow]) {
        ids = rows.map(\.id)
        createdAt = rows.map(\.createdAt)
        updatedAt = rows.map(\.updatedAt)
        traits = rows.map { PostgresText.json($0.traits) }
        personal = PostgresArray(rows.map(\.personal))
        stamps = rows.map { PostgresText.json($0.traitStamps) }
        eventCount = rows.map(\.eventCount)
        firstSeen = PostgresArray(rows.map(\.firstSeen))
        lastSeen = PostgresArray(rows.map(\.lastSeen))
        lastActivity = PostgresArray(rows.map(\.lastActivity))
        orderCount = rows.map(\.orderCount)
        revenue = rows.map(\.revenue)
        lastOrderAt = PostgresArray(rows.map(\.lastOrderAt))
        lastOrderValue = PostgresArray(rows.map(\.lastOrderValue))
        lastOrderKey = PostgresArray(rows.map { PostgresText.clean($0.lastOrderKey) })
        opens = rows.map(\.emailOpens)
        clicks = rows.map(\.emailClicks)
        cart = rows.map { PostgresText.json($0.cart) }
        cartValue = rows.map(\.cartValue)
        cartUpdatedAt = PostgresArray(rows.map(\.cartUpdatedAt))
        cartLedger = PostgresArray(rows.map { PostgresText.clean($0.cartLedger) })
    }
}

/// Event rows as parallel arrays, for `UNNEST`; text made safe for PostgreSQL.
struct EventColumns {
    let messageIds: [String], profiles: [String], types: [String], names: [String], timestamps: [Int64], received: [Int64]
    let users: PostgresArray<String>, anonymous: PostgresArray<String>, properties: [String], traits: [String]
    let personal: PostgresArray<Data>

    init(_ events: [EventRow]) {
        messageIds = events.map { PostgresText.clean($0.messageId) }
        profiles = events.map(\.profileId)
        types = events.map(\.type)
        names = events.map { PostgresText.clean($0.name) }
        timestamps = events.map(\.timestamp)
        received = events.map(\.receivedAt)
        users = PostgresArray(events.map { PostgresText.clean($0.userId) })
        anonymous = PostgresArray(events.map { PostgresText.clean($0.anonymousId) })
        properties = events.map { PostgresText.json($0.properties) }
        traits = events.map { PostgresText.json($0.traits) }
        personal = PostgresArray(events.map(\.personal))
    }
}
