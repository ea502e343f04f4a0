public import Foundation
public import TailorCore
public import TailorStore

/// Retention (docs/PRIVACY.md): the policy (rules from `TAILOR_RETENTION`, overridden by those stored with
/// `tailor privacy retention set`, the setting `retention_policy`), what it would purge now, and the purge, a
/// batch per transaction. Profile aggregates stay: they live in the profile rows, which a purge never touches.
public struct RetentionService: Sendable {
    public let stores: Stores
    /// The rules of the environment (`TAILOR_RETENTION`).
    public let configured: RetentionPolicy
    public let clock: any WallClock
    /// Events deleted per transaction.
    public var batchSize = 1_000

    static let setting = "retention_policy"

    public init(stores: Stores, configured: RetentionPolicy = RetentionPolicy(), clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.configured = configured
        self.clock = clock
    }

    /// One rule as shown: the event name, its days, where it comes from, the cutoff now and what it would purge.
    public struct Rule: Sendable, Hashable {
        public var event: String
        public var days: Int
        /// `stored` (set with the CLI) or `environment` (`TAILOR_RETENTION`).
        public var source: String
        public var cutoff: Date
        /// Events older than the cutoff now (what a purge would delete); after a purge, how many it deleted.
        public var events: Int

        public var json: JSONObject {
            ["event": .string(event), "days": .number(Double(days)), "source": .string(source), "cutoff": .string(ISO8601.format(cutoff)),
             "events": .number(Double(events))]
        }
    }

    /// The rules stored in the database.
    public func stored() async throws -> RetentionPolicy {
        guard let text = try await stores.settings.setting(Self.setting) else { return RetentionPolicy() }
        do {
            return try RetentionPolicy(json: try JSONParser.parse(Array(text.utf8)))
        } catch let error as RetentionPolicyError {
            throw StoreError(.corruptRow, "setting retention_policy: \(error.message)")
        }
    }

    /// The policy in force: the environment's rules, overridden by the stored ones.
    public func policy() async throws -> RetentionPolicy { configured.overridden(by: try await stored()) }

    /// Every rule with what it would purge now, by event name.
    public func preview() async throws -> [Rule] {
        let stored = try await stored()
        let now = clock.now()
        var rules: [Rule] = []
        for (event, days) in configured.overridden(by: stored).days.sorted(by: { $0.key < $1.key }) {
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            rules.append(Rule(event: event, days: days, source: stored.days[event] != nil ? "stored" : "environment", cutoff: cutoff,
                              events: try await stores.retention.eventCount(named: event, before: cutoff)))
        }
        return rules
    }

    /// Stores a rule. - Throws: ``RequestError`` `.invalid` naming `event` or `days`.
    public func set(_ event: String, days: Int) async throws {
        var stored = try await stored()
        do {
            try stored.set(event, days: days)
        } catch {
            throw RequestError(.invalid, error.message, field: error.message.hasPrefix("days") ? "days" : "event")
        }
        try await save(stored)
    }

    /// Removes a stored rule (a rule of `TAILOR_RETENTION` stays until the environment changes).
    /// - Returns: whether there was one.
    @discardableResult
    public func clear(_ event: String) async throws -> Bool {
        var stored = try await stored()
        guard stored.days[event] != nil else { return false }
        stored.remove(event)
        try await save(stored)
        return true
    }

    func save(_ policy: RetentionPolicy) async throws {
        try await stores.settings.putSetting(Self.setting, value: JSONWriter.string(.object(policy.json)), at: clock.now())
    }

    /// Purges what the policy says, rule by rule, `batchSize` events per transaction (others write in between).
    /// - Returns: the rules with the number of events each deleted.
    public func apply() async throws -> [Rule] {
        var rules = try await preview()
        for i in rules.indices {
            var deleted = 0
            while true {
                try Task.checkCancellation()
                let n = try await stores.retention.purgeEvents(named: rules[i].event, before: rules[i].cutoff, limit: batchSize)
                deleted += n
                if n < batchSize { break }
                await Task.yield()
            }
            rules[i].events = deleted
        }
        return rules
    }
}
