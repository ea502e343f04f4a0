public import Foundation
public import TailorCore
public import TailorStore

/// The consent ledger's workflow: entries are checked and appended (never changed), a person's history and
/// current decisions are read following merges, and marketing sends ask it who may be mailed
/// (``LedgerConsent``). See docs/PRIVACY.md.
public struct ConsentService: Sendable {
    public let consent: any ConsentStore
    public let profiles: any ProfileStore
    public let clock: any WallClock

    public init(consent: any ConsentStore, profiles: any ProfileStore, clock: any WallClock = SystemClock()) {
        self.consent = consent
        self.profiles = profiles
        self.clock = clock
    }

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.init(consent: stores.consent, profiles: stores.profiles, clock: clock)
    }

    /// Appends entries in one transaction; returns how many were new (an entry with a known `key` is skipped).
    /// A decision dated in the future is refused (it would overrule everything recorded until then).
    /// - Throws: ``RequestError`` `.invalid` naming the entry (`entries[2].at`).
    @discardableResult
    public func record(_ entries: [ConsentEntry]) async throws -> Int {
        let now = clock.now()
        for (i, e) in entries.enumerated() {
            if e.at > now.addingTimeInterval(300) {
                throw RequestError(.invalid, "a decision cannot be dated in the future", field: "entries[\(i)].at")
            }
            if let expiry = e.expiresAt, expiry <= e.at {
                throw RequestError(.invalid, "an expiry comes after the decision", field: "entries[\(i)].expires_at")
            }
            if e.expiresAt != nil && e.status != .granted {
                throw RequestError(.invalid, "only a grant expires", field: "entries[\(i)].expires_at")
            }
        }
        return try await consent.appendConsent(entries, at: now)
    }

    /// A person's entries, oldest recorded first, and their current decision per purpose.
    public func ledger(of reference: ProfileReference) async throws -> (profile: ProfileID, history: [ConsentEntry], current: [ConsentPurpose: ConsentEntry]) {
        guard let view = try await profiles.profile(reference) else { throw RequestError(.notFound, "no such profile", field: "profile") }
        let history = try await consent.consentHistory(of: view.id)
        return (view.id, history, ConsentLedger.current(history))
    }
}

/// The marketing consent check of campaign sends, on the ledger: `email_marketing` under the deployment's
/// policy (`TAILOR_EMAIL_CONSENT`: opt-out by default, so only a denial or a withdrawal stops an email; opt-in
/// needs a grant in force; double opt-in a grant in force confirmed from the person's mailbox), which may
/// differ by the profile's `country` trait (`TAILOR_EMAIL_CONSENT_BY_COUNTRY`).
public struct LedgerConsent: MarketingConsent {
    public let store: any ConsentStore
    public let policy: EmailConsentPolicy
    /// Read for the `country` trait when the policy depends on it.
    public let profiles: (any ProfileStore)?
    public let clock: any WallClock

    public init(store: any ConsentStore, policy: ConsentPolicy, clock: any WallClock = SystemClock()) {
        self.init(store: store, policy: EmailConsentPolicy(policy), profiles: nil, clock: clock)
    }

    public init(store: any ConsentStore, policy: EmailConsentPolicy, profiles: (any ProfileStore)?, clock: any WallClock = SystemClock()) {
        self.store = store
        self.policy = policy
        self.profiles = profiles
        self.clock = clock
    }

    public func permitsMarketing(_ ids: [ProfileID]) async throws -> Set<ProfileID> {
        let latest = try await store.latestConsent(of: ids, purpose: .emailMarketing)
        let policies = try await self.policies(of: ids)
        let now = clock.now()
        return Set(ids.filter { policies[$0, default: policy.standard].allows(latest[$0], at: now) })
    }

    /// The policy each profile falls under (only those that differ from the standard one are listed).
    public func policies(of ids: [ProfileID]) async throws -> [ProfileID: ConsentPolicy] {
        guard policy.dependsOnCountry, let profiles else { return [:] }
        let policy = self.policy
        let found = try await Concurrently.map(ids, width: 8) { id -> (ProfileID, ConsentPolicy?) in
            guard let aggregate = try await profiles.aggregate(id) else { return (id, nil) }
            return (id, policy.policy(traits: aggregate.traits.values))
        }
        var out: [ProfileID: ConsentPolicy] = [:]
        for (id, p) in found where p != nil && p != policy.standard { out[id] = p }
        return out
    }
}

extension ConsentEntry {
    /// The entry as the API and the CLI show it (the proof included: it is the person's own evidence).
    public var json: JSONObject {
        var o: JSONObject = ["purpose": .string(purpose.rawValue), "status": .string(status.rawValue), "at": .string(ISO8601.format(at)),
                             "source": .string(source.rawValue), "lawful_basis": .string(lawfulBasis.rawValue),
                             "expires_at": expiresAt.map { .string(ISO8601.format($0)) } ?? .null, "proof": .object(proof)]
        if let recordedAt { o["recorded_at"] = .string(ISO8601.format(recordedAt)) }
        return o
    }

    /// An entry from the API's JSON (`purpose`, `status`, `at`, `source`, `lawful_basis`, `expires_at`, `proof`).
    /// - Throws: ``RequestError`` `.invalid` naming the field under `path`.
    public init(json o: JSONObject, profile: ProfileID, path: String, defaultSource: ConsentSource, now: Date) throws {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        func text<T: RawRepresentable>(_ name: String, _ type: T.Type, default value: T? = nil) throws -> T where T.RawValue == String {
            guard let raw = o[name]?.stringValue else {
                if let value { return value }
                throw RequestError(.invalid, "missing \(name)", field: field(name))
            }
            guard let parsed = T(rawValue: raw) else { throw RequestError(.invalid, "unknown \(name)", field: field(name)) }
            return parsed
        }
        func time(_ name: String) throws -> Date? {
            guard let v = o[name], v != .null else { return nil }
            guard let s = v.stringValue, let d = ISO8601.parse(s) else { throw RequestError(.invalid, "\(name) is an ISO-8601 time", field: field(name)) }
            return d
        }
        var proof: JSONObject = [:]
        if let p = o["proof"], p != .null {
            guard case .object(let object) = p else { throw RequestError(.invalid, "proof is an object", field: field("proof")) }
            proof = object
        }
        self.init(profileID: profile, purpose: try text("purpose", ConsentPurpose.self), status: try text("status", ConsentStatus.self),
                  at: try time("at") ?? now, source: try text("source", ConsentSource.self, default: defaultSource),
                  lawfulBasis: try text("lawful_basis", LawfulBasis.self, default: .consent), expiresAt: try time("expires_at"), proof: proof)
    }
}
