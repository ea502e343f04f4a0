public import Foundation
import CTailorSQLite
import GRDB
public import TailorCore

#if canImport(Glibc)
import Glibc
#endif

/// Tailor on an embedded SQLite file (GRDB, WAL): the default, for one node.
///
/// One writer at a time (SQLite's rule); a batch is planned and applied inside one write transaction, so
/// ingest never races with itself. Readers run concurrently on the pool.
public final class SQLiteDatabase: TailorDatabase {
    let pool: DatabasePool
    let cipher: FieldCipher
    let policy: PersonalDataPolicy
    public let path: String
    let segmentRuntime: SegmentRuntime
    let checkpointer: SQLiteCheckpointer
    let ingestCache = SQLiteIngestCache(capacity: 100_000)
    /// Makes commits durable off the writer; `nil` when they need not survive a power loss (tests).
    let walSyncer: SQLiteWALSyncer?

    /// Opens (creating if needed) the database file.
    ///
    /// With `durable` (the default) every write returns once it would survive a power loss: the writer
    /// commits with `synchronous = NORMAL` (GRDB's setting for a pool) and ``SQLiteWALSyncer`` syncs the
    /// WAL behind it. Without, a write survives a crash of the process but maybe not a power loss.
    public convenience init(path: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default, durable: Bool = true) throws {
        try self.init(path: path, cipher: cipher, policy: policy, durable: durable, walSync: { fdatasync($0) })
    }

    /// Makes SQLite's default VFS the one that gathers each WAL commit's writes into one write instead of two
    /// per page (Sources/CTailorSQLite/wal_buffer.c), for every SQLite connection the process opens after.
    static func gatherWALWrites() throws {
        let code = tailor_wal_buffer_register()
        guard code == 0 else { throw StoreError(.backend, "cannot register the WAL-gathering SQLite VFS (SQLite code \(code))") }
    }

    /// How many write calls gathering has saved in this process.
    static var walWritesGathered: Int64 { Int64(tailor_wal_buffer_writes_gathered()) }

    /// `walSync` syncs the WAL's file descriptor (`fdatasync`; tests make it fail).
    init(path: String, cipher: FieldCipher, policy: PersonalDataPolicy, durable: Bool,
         walSync: @escaping @Sendable (Int32) -> Int32) throws {
        try Self.gatherWALWrites()
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // 64 MB of page cache per connection: profile and identity lookups stay in memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Checkpoints are the checkpointer's job; the writer's own is only a backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.writerBackstopPages)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(.backend, "cannot open SQLite database at \(path): \(error)")
        }
        do {
            checkpointer = try SQLiteCheckpointer(path: path, writer: pool)
        } catch {
            throw StoreError(.backend, "cannot open SQLite database at \(path) for checkpoints: \(error)")
        }
        walSyncer = durable ? SQLiteWALSyncer(databasePath: path, sync: walSync) : nil
        self.cipher = cipher
        self.policy = policy
        self.path = path
        segmentRuntime = SegmentRuntime(policy: policy)
    }

    deinit {
        checkpointer.stop()
    }

    public func close() async throws {
        checkpointer.stop()
        try pool.close()
    }

    /// A write transaction that returns once it is committed and, unless the database was opened without
    /// `durable`, synced to disk (see ``SQLiteWALSyncer``). Every write of the store goes through it.
    func durableWrite<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        let value = try await pool.write(updates)
        try await walSyncer?.sync()
        return value
    }

    // MARK: - Migrations

    @discardableResult
    public func migrate() async throws -> [String] {
        let migrator = SQLiteMigrations.migrator()
        let before = try await pool.read { db in try migrator.appliedMigrations(db) }
        try migrator.migrate(pool)
        let after = try await pool.read { db in try migrator.appliedMigrations(db) }
        return after.filter { !before.contains($0) }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            StoreCounts(
                profiles: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                products: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM products") ?? 0,
                merges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merges") ?? 0
            )
        }
    }

    // MARK: - Ingest

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
    /// write, maintain segment memberships, and record what the cache may keep.
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
        let owners = Set(snapshot.links.values)
        snapshot.profiles = cache.profiles(owners)
        let unread = owners.filter { snapshot.profiles[$0] == nil }
        if !unread.isEmpty {
            snapshot.profiles.merge(try Self.loadAggregates(db, ids: Array(unread), cipher: cipher)) { cached, _ in cached }
        }
        snapshot.existingMessageIds = try Self.storedMessageIds(db, among: messages.map(\.messageId))

        let plan = planner.plan(messages, snapshot: snapshot)
        let saved = try Self.apply(plan, db: db, now: now, cipher: cipher, policy: policy, keys: keys, prepared: prepared)
        let (stale, facts) = try maintainSegments(db, plan: plan, aggregates: saved, cache: cache, prepared: prepared)
        // The links read (unless a merge moved them: then nothing is kept) and the links written.
        let token = cache.record(links: snapshot.links.merging(plan.links) { $1 }, saved: saved, stale: stale, facts: facts,
                                 mergesHappened: !plan.merges.isEmpty,
                                 marker: SQLiteIngestCache.Marker(dataVersion: marker.dataVersion, totalChanges: db.totalChangesCount))
        return (IngestResult(plan: plan), token)
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
              email_opens = ?, email_clicks = ?, cart = ?, cart_value = ?, cart_updated_at = ?, cart_clock = ?
            WHERE id = ?
            """ : """
            UPDATE profiles SET updated_at = ?, event_count = ?, first_seen = ?, last_seen = ?, last_activity = ?, order_count = ?,
              revenue = ?, last_order_at = ?, last_order_value = ?, last_order_key = ?, email_opens = ?, email_clicks = ?, cart = ?,
              cart_value = ?, cart_updated_at = ?, cart_clock = ?
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
            b.bind(r.cartClock)
            b.bind(r.id)
        }
    }

    static func loadRow(_ db: Database, id: ProfileID) throws -> ProfileRow? {
        let statement = try db.cachedStatement(sql: "SELECT \(ProfileRow.columns.joined(separator: ", ")) FROM profiles WHERE id = ?")
        // A cursor reads the columns in place instead of copying the row first.
        let cursor = try Row.fetchCursor(statement, arguments: [id.rawValue])
        guard let row = try cursor.next() else { return nil }
        return profileRow(row)
    }

    static func profileRow(_ row: Row) -> ProfileRow {
        ProfileRow(
            id: row[0], createdAt: row[1], updatedAt: row[2], traits: row[3], personal: row[4], traitStamps: row[5], eventCount: row[6],
            firstSeen: row[7], lastSeen: row[8], lastActivity: row[9], orderCount: row[10], revenue: row[11], lastOrderAt: row[12],
            lastOrderValue: row[13], lastOrderKey: row[14], emailOpens: row[15], emailClicks: row[16], cart: row[17], cartValue: row[18],
            cartUpdatedAt: row[19], cartClock: row[20])
    }

    /// Several profiles with their identities, a few hundred per statement.
    static func loadAggregates(_ db: Database, ids: [ProfileID], cipher: FieldCipher) throws -> [ProfileID: ProfileAggregate] {
        var rows: [ProfileID: ProfileRow] = [:]
        var identities: [ProfileID: Set<Identity>] = [:]
        for chunk in ids.map(\.rawValue).chunked(400) {
            let list = placeholders(chunk.count)
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(ProfileRow.columns.joined(separator: ", ")) FROM profiles WHERE id IN (\(list))",
                                             arguments: StatementArguments(Array(chunk)))
            while let row = try cursor.next() {
                let r = profileRow(row)
                rows[ProfileID(r.id)] = r
            }
            let links = try Row.fetchCursor(db, sql: "SELECT profile_id, kind, value FROM identities WHERE profile_id IN (\(list)) AND kind != 'email'",
                                            arguments: StatementArguments(Array(chunk)))
            while let row = try links.next() {
                if let kind = Identity.Kind(rawValue: row[1]) { identities[ProfileID(row[0] as String), default: []].insert(Identity(kind, row[2])) }
            }
        }
        var out: [ProfileID: ProfileAggregate] = [:]
        for (id, row) in rows { out[id] = try row.aggregate(cipher: cipher, identities: identities[id] ?? []) }
        return out
    }

    static func loadIdentities(_ db: Database, id: ProfileID) throws -> Set<Identity> {
        // Emails are stored as blind indexes and cannot be read back; user and anonymous ids can.
        let statement = try db.cachedStatement(sql: "SELECT kind, value FROM identities WHERE profile_id = ? AND kind != 'email'")
        let rows = try Row.fetchAll(statement, arguments: [id.rawValue])
        return Set(rows.compactMap { row in Identity.Kind(rawValue: row[0]).map { Identity($0, row[1]) } })
    }

    static func loadAggregate(_ db: Database, id: ProfileID, cipher: FieldCipher) throws -> ProfileAggregate? {
        guard let row = try loadRow(db, id: id) else { return nil }
        return try row.aggregate(cipher: cipher, identities: loadIdentities(db, id: id))
    }

    static func loadHistory(_ db: Database, id: ProfileID, cipher: FieldCipher) throws -> [Message] {
        let statement = try db.cachedStatement(sql: """
            SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal
            FROM events WHERE profile_id = ?
            """)
        let rows = try Row.fetchAll(statement, arguments: [id.rawValue])
        return try rows.map { try eventRow($0).message(cipher: cipher) }
    }

    static func eventRow(_ row: Row) -> EventRow {
        EventRow(messageId: row[0], profileId: row[1], type: row[2], name: row[3], timestamp: row[4], receivedAt: row[5], userId: row[6],
                 anonymousId: row[7], properties: row[8], traits: row[9], personal: row[10])
    }

    // MARK: - Reading

    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        let cipher = self.cipher
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal, seq
                FROM events WHERE profile_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?
                """, arguments: [profile.rawValue, before ?? Int64.max, limit])
            return try rows.map { row in
                StoredEvent(sequence: row[11], profileId: profile, message: try Self.eventRow(row).message(cipher: cipher))
            }
        }
    }

    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        let total = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL") ?? 0 }
        var done = 0
        var after: ProfileID? = nil
        while true {
            let ids = try await profileIDs(after: after, limit: 500)
            guard let last = ids.last else { break }
            let cipher = self.cipher
            let policy = self.policy
            try await durableWrite { db in
                let now = Date()
                for id in ids {
                    guard var aggregate = try Self.loadAggregate(db, id: id, cipher: cipher) else { continue }
                    aggregate.rebuild(from: try Self.loadHistory(db, id: id, cipher: cipher))
                    try Self.saveProfile(db, ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy))
                }
            }
            done += ids.count
            progress?(done, total)
            after = last
        }
        return done
    }

    public func profile(_ reference: ProfileReference) async throws -> ProfileView? {
        let cipher = self.cipher
        let policy = self.policy
        return try await pool.read { db in
            guard let id = try Self.resolve(db, reference, cipher: cipher), let row = try Self.loadRow(db, id: id) else { return nil }
            let aggregate = try row.aggregate(cipher: cipher, identities: Self.loadIdentities(db, id: id))
            let (plain, personal) = policy.split(aggregate.traits.values)
            var counts: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT name, COUNT(*) FROM events WHERE profile_id = ? GROUP BY name", arguments: [id.rawValue]) {
                counts[r[0]] = r[1]
            }
            return ProfileView(id: id, createdAt: aggregate.createdAt, traits: plain, personal: Personal(personal), state: aggregate.state,
                               identities: aggregate.identities.sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) },
                               eventCounts: counts)
        }
    }

    static func resolve(_ db: Database, _ reference: ProfileReference, cipher: FieldCipher) throws -> ProfileID? {
        var id: String?
        switch reference {
        case .id(let p): id = p.rawValue
        case .identity(let identity):
            id = try String.fetchOne(db, sql: "SELECT profile_id FROM identities WHERE kind = ? AND value = ?",
                                     arguments: [identity.kind.rawValue, cipher.storageKey(identity)])
        }
        guard let found = id else { return nil }
        let merged = try String?.fetchOne(db, sql: "SELECT merged_into FROM profiles WHERE id = ?", arguments: [found])
        guard let mergedRow = merged else { return nil }  // no such profile
        return ProfileID(mergedRow ?? found)
    }

    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? {
        let cipher = self.cipher
        return try await pool.read { db in try Self.loadAggregate(db, id: id, cipher: cipher) }
    }

    public func merges(into profile: ProfileID) async throws -> [MergeRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT from_profile, into_profile, reason, message_id, at FROM merges WHERE into_profile = ? ORDER BY id",
                             arguments: [profile.rawValue]).map { r in
                MergeRecord(from: ProfileID(r[0] as String), into: ProfileID(r[1] as String), reason: r[2], messageId: r[3],
                            at: Date(millisecondsSince1970: r[4]))
            }
        }
    }

    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM profiles WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?",
                                arguments: [after?.rawValue ?? "", limit]).map { ProfileID($0) }
        }
    }

    // MARK: - Products

    public func upsertProducts(_ products: [Product]) async throws {
        try await durableWrite { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO products (id, name, category, price, in_stock, url, image_url, attributes, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price,
                  in_stock = excluded.in_stock, url = excluded.url, image_url = excluded.image_url, attributes = excluded.attributes,
                  updated_at = excluded.updated_at
                """)
            let now = Date().millisecondsSince1970
            for p in products {
                try statement.execute(arguments: [p.id, p.name, p.category, p.price, p.inStock, p.url, p.imageUrl,
                                                  JSONWriter.string(p.attributes), now])
            }
        }
    }

    public func products() async throws -> [Product] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, category, price, in_stock, url, image_url, attributes FROM products ORDER BY id")
                .map(Self.product)
        }
    }

    public func product(id: String) async throws -> Product? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, category, price, in_stock, url, image_url, attributes FROM products WHERE id = ?",
                             arguments: [id]).map(Self.product)
        }
    }

    static func product(_ r: Row) throws -> Product {
        Product(id: r[0], name: r[1], category: r[2], price: r[3], inStock: r[4], url: r[5], imageUrl: r[6],
                attributes: try ProfileRow.object(r[7]))
    }
}

// MARK: - Settings

extension SQLiteDatabase: SettingsStore {
    public func setting(_ name: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        try await durableWrite { db in
            try db.execute(sql: "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                           arguments: [name, value, Date().millisecondsSince1970])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? value
        }
    }
}

extension SQLiteDatabase {
    static func placeholders(_ n: Int) -> String {
        String(repeating: "?,", count: max(0, n - 1)) + (n > 0 ? "?" : "")
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
