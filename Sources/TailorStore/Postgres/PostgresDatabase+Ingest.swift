import Foundation
import PostgresNIO
public import TailorCore

// MARK: - Ingest

extension PostgresDatabase {
    /// An identity as stored: its kind and its storage key (the blind index for emails).
    struct IdentityKey: Hashable, Sendable {
        var kind: String
        var value: String
    }

    public func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult {
        guard !messages.isEmpty else { return IngestResult() }
        let lookups = IngestPlanner.lookups(for: messages)
        var keys: [IdentityKey: Identity] = [:]
        for identity in lookups.identities {
            keys[IdentityKey(kind: identity.kind.rawValue, value: storageKey(identity))] = identity
        }
        let messageIds = Array(Set(lookups.messageIds.map { PostgresText.clean($0) }))
        let keyed = keys
        return try await withContext("ingest") {
            try await self.retrying {
                try await self.transaction { conn in
                    let snapshot = try await self.snapshot(conn, keys: keyed, messageIds: messageIds)
                    let plan = planner.plan(messages, snapshot: snapshot)
                    try await self.apply(plan, snapshot: snapshot, on: conn)
                    return IngestResult(stored: plan.events.count, duplicates: plan.duplicates.count,
                                        createdProfiles: plan.createdProfiles.count, merges: plan.merges.count)
                }
            }
        }
    }

    /// Reads what the planner needs, locking the profiles it may change.
    ///
    /// The owners of the batch's identities are locked first (`FOR UPDATE`, in id order), then one query reads
    /// the links again, the identities of the locked profiles and which message ids are stored. While a
    /// transaction holds a profile row nobody else can move identities to or from that profile (merges and
    /// new links lock their profiles too), so the links stay true until commit. When a link moved between the
    /// lock and the read (a concurrent merge), the new owner is locked as well and the read is repeated.
    func snapshot(_ conn: PostgresConnection, keys: [IdentityKey: Identity], messageIds: [String]) async throws -> IngestSnapshot {
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
                        WHERE (SELECT n FROM held) >= 0 AND id IN (SELECT i.profile_id FROM identities i
                                     JOIN UNNEST(\(kinds)::text[], \(values)::text[]) AS k(kind, value) ON i.kind = k.kind AND i.value = k.value)
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
                SELECT 0, i.kind, i.value, i.profile_id FROM identities i
                  JOIN UNNEST(\(kinds)::text[], \(values)::text[]) AS k(kind, value) ON i.kind = k.kind AND i.value = k.value
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
            let missing = Set(snapshot.links.values).filter { locked[$0] == nil }
            if missing.isEmpty {
                for (id, row) in locked where Set(snapshot.links.values).contains(id) {
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

    /// Writes a plan: new profiles, merges, identity links, events, then the profiles' rows (rebuilt from
    /// their whole history where the plan asks).
    func apply(_ plan: IngestPlan, snapshot: IngestSnapshot, on conn: PostgresConnection) async throws {
        let now = Date()
        let nowMs = now.millisecondsSince1970

        let created = plan.createdProfiles.filter { plan.profiles[$0] != nil }
        if !created.isEmpty {
            let createdAt = created.map { plan.profiles[$0]!.createdAt.millisecondsSince1970 }
            try await conn.query("""
                INSERT INTO profiles (id, created_at, updated_at)
                SELECT id, created_at, \(nowMs) FROM UNNEST(\(created.map(\.rawValue))::text[], \(createdAt)::int8[]) AS r(id, created_at)
                """, logger: logger)
        }

        // Merges in plan order (a batch can merge A into B, then B into C). One statement each: events and
        // identities move to the survivor, the merged profile and those merged into it point at the survivor.
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

        // Identity links: new ones are inserted without ON CONFLICT, so that a concurrent node that linked the
        // same identity first makes this transaction fail and retry rather than steal the link.
        var newKinds: [String] = [], newValues: [String] = [], newOwners: [String] = []
        var movedKinds: [String] = [], movedValues: [String] = [], movedOwners: [String] = []
        for (identity, owner) in plan.links {
            if let before = snapshot.links[identity] {
                guard before != owner, !plan.merges.contains(where: { $0.from == before && $0.into == owner }) else { continue }
                movedKinds.append(identity.kind.rawValue)
                movedValues.append(storageKey(identity))
                movedOwners.append(owner.rawValue)
            } else {
                newKinds.append(identity.kind.rawValue)
                newValues.append(storageKey(identity))
                newOwners.append(owner.rawValue)
            }
        }
        if !newKinds.isEmpty {
            try await conn.query("""
                INSERT INTO identities (kind, value, profile_id, created_at)
                SELECT kind, value, profile_id, \(nowMs) FROM UNNEST(\(newKinds)::text[], \(newValues)::text[], \(newOwners)::text[])
                  AS r(kind, value, profile_id)
                """, logger: logger)
        }
        if !movedKinds.isEmpty {
            try await conn.query("""
                UPDATE identities AS i SET profile_id = r.profile_id
                FROM UNNEST(\(movedKinds)::text[], \(movedValues)::text[], \(movedOwners)::text[]) AS r(kind, value, profile_id)
                WHERE i.kind = r.kind AND i.value = r.value
                """, logger: logger)
        }

        if !plan.events.isEmpty {
            try await insertEvents(plan.events.map { try EventRow(profile: $0.profile, message: $0.message, cipher: cipher, policy: policy) },
                                   on: conn)
        }

        var histories: [ProfileID: [Message]] = [:]
        if !plan.rebuild.isEmpty {
            histories = try await self.histories(of: Array(plan.rebuild), on: conn)
        }
        var profileRows: [ProfileRow] = []
        profileRows.reserveCapacity(plan.profiles.count)
        for (id, aggregate) in plan.profiles {
            var aggregate = aggregate
            if plan.rebuild.contains(id) { aggregate.rebuild(from: histories[id] ?? []) }
            profileRows.append(try ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy))
        }
        try await saveProfiles(profileRows, on: conn)
    }

    /// Inserts events with one statement, in arrival order (their sequence numbers follow it).
    func insertEvents(_ events: [EventRow], on conn: PostgresConnection) async throws {
        let messageIds = events.map { PostgresText.clean($0.messageId) }
        let profiles = events.map(\.profileId)
        let types = events.map(\.type)
        let names = events.map { PostgresText.clean($0.name) }
        let timestamps = events.map(\.timestamp)
        let received = events.map(\.receivedAt)
        let users = PostgresArray<String>(events.map { PostgresText.clean($0.userId) })
        let anonymous = PostgresArray<String>(events.map { PostgresText.clean($0.anonymousId) })
        let properties = events.map { PostgresText.json($0.properties) }
        let traits = events.map { PostgresText.json($0.traits) }
        let personal = PostgresArray<Data>(events.map(\.personal))
        try await conn.query("""
            INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal)
            SELECT m, p, t, n, ts, ra, u, a, pr::jsonb, tr::jsonb, pe
            FROM UNNEST(\(messageIds)::text[], \(profiles)::text[], \(types)::text[], \(names)::text[], \(timestamps)::int8[],
                        \(received)::int8[], \(users)::text[], \(anonymous)::text[], \(properties)::text[], \(traits)::text[],
                        \(personal)::bytea[])
              WITH ORDINALITY AS r(m, p, t, n, ts, ra, u, a, pr, tr, pe, ord)
            ORDER BY ord
            """, logger: logger)
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

    /// Writes profiles' traits and state with one statement.
    func saveProfiles(_ rows: [ProfileRow], on conn: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let ids = rows.map(\.id)
        let createdAt = rows.map(\.createdAt)
        let updatedAt = rows.map(\.updatedAt)
        let traits = rows.map { PostgresText.json($0.traits) }
        let personal = PostgresArray<Data>(rows.map(\.personal))
        let stamps = rows.map { PostgresText.json($0.traitStamps) }
        let eventCount = rows.map(\.eventCount)
        let firstSeen = PostgresArray<Int64>(rows.map(\.firstSeen))
        let lastSeen = PostgresArray<Int64>(rows.map(\.lastSeen))
        let lastActivity = PostgresArray<Int64>(rows.map(\.lastActivity))
        let orderCount = rows.map(\.orderCount)
        let revenue = rows.map(\.revenue)
        let lastOrderAt = PostgresArray<Int64>(rows.map(\.lastOrderAt))
        let lastOrderValue = PostgresArray<Double>(rows.map(\.lastOrderValue))
        let lastOrderKey = PostgresArray<String>(rows.map { PostgresText.clean($0.lastOrderKey) })
        let opens = rows.map(\.emailOpens)
        let clicks = rows.map(\.emailClicks)
        let cart = rows.map { PostgresText.json($0.cart) }
        let cartValue = rows.map(\.cartValue)
        let cartUpdatedAt = PostgresArray<Int64>(rows.map(\.cartUpdatedAt))
        let cartClock = PostgresArray<String>(rows.map { PostgresText.clean($0.cartClock) })
        try await conn.query("""
            UPDATE profiles AS p SET created_at = r.created_at, updated_at = r.updated_at, traits = r.traits::jsonb, personal = r.personal,
              trait_stamps = r.trait_stamps::jsonb, event_count = r.event_count, first_seen = r.first_seen, last_seen = r.last_seen,
              last_activity = r.last_activity, order_count = r.order_count, revenue = r.revenue, last_order_at = r.last_order_at,
              last_order_value = r.last_order_value, last_order_key = r.last_order_key, email_opens = r.email_opens,
              email_clicks = r.email_clicks, cart = r.cart::jsonb, cart_value = r.cart_value, cart_updated_at = r.cart_updated_at,
              cart_clock = r.cart_clock
            FROM UNNEST(\(ids)::text[], \(createdAt)::int8[], \(updatedAt)::int8[], \(traits)::text[], \(personal)::bytea[],
                        \(stamps)::text[], \(eventCount)::int8[], \(firstSeen)::int8[], \(lastSeen)::int8[], \(lastActivity)::int8[],
                        \(orderCount)::int8[], \(revenue)::float8[], \(lastOrderAt)::int8[], \(lastOrderValue)::float8[],
                        \(lastOrderKey)::text[], \(opens)::int8[], \(clicks)::int8[], \(cart)::text[], \(cartValue)::float8[],
                        \(cartUpdatedAt)::int8[], \(cartClock)::text[])
              AS r(id, created_at, updated_at, traits, personal, trait_stamps, event_count, first_seen, last_seen, last_activity,
                   order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens, email_clicks, cart, cart_value,
                   cart_updated_at, cart_clock)
            WHERE p.id = r.id
            """, logger: logger)
    }
}
