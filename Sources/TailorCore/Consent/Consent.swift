public import Foundation

/// What a person consents to (or not): each purpose is decided on its own.
public enum ConsentPurpose: String, Sendable, Hashable, CaseIterable {
    /// Marketing email: campaigns and journeys (transactional mail needs none).
    case emailMarketing = "email_marketing"
    /// Profiling: model traits, recommendations, segments that read behaviour.
    case personalization
    /// Measuring: analytics on their behaviour.
    case analytics
}

/// One decision in the ledger.
public enum ConsentStatus: String, Sendable, Hashable, CaseIterable {
    case granted, denied, withdrawn
}

/// Where a decision was recorded.
public enum ConsentSource: String, Sendable, Hashable, CaseIterable {
    case api, `import`, preferencePage = "preference_page", doubleOptIn = "double_opt_in"

    /// Whether a grant from this source proves the person controls the address: they followed a link Tailor
    /// mailed to it (the confirmation link, or the preference page of an email they received).
    public var confirmsAddress: Bool { self == .doubleOptIn || self == .preferencePage }
}

/// The legal ground a decision is recorded under (GDPR art. 6(1)).
public enum LawfulBasis: String, Sendable, Hashable, CaseIterable {
    case consent, contract, legalObligation = "legal_obligation", vitalInterests = "vital_interests", publicTask = "public_task"
    case legitimateInterests = "legitimate_interests"
}

/// One entry of the append-only consent ledger: a person's decision on one purpose, when and where it was
/// made, and the evidence. The evidence (address, user agent) is personal data and is sealed at rest.
public struct ConsentEntry: Sendable, Hashable {
    public var profileID: ProfileID
    public var purpose: ConsentPurpose
    public var status: ConsentStatus
    /// When the person decided.
    public var at: Date
    public var source: ConsentSource
    public var lawfulBasis: LawfulBasis
    /// A grant that lapses at this time (a grant only).
    public var expiresAt: Date?
    /// The evidence: `ip`, `user_agent`, `form` (the form or text version shown) … Personal: sealed at rest.
    public var proof: JSONObject
    /// When Tailor recorded it (set by the store).
    public var recordedAt: Date?
    /// Makes recording idempotent when set (an import's row): an entry whose key is recorded already is skipped.
    public var key: String?

    public init(profileID: ProfileID, purpose: ConsentPurpose, status: ConsentStatus, at: Date, source: ConsentSource,
                lawfulBasis: LawfulBasis = .consent, expiresAt: Date? = nil, proof: JSONObject = [:], recordedAt: Date? = nil,
                key: String? = nil) {
        self.key = key
        self.profileID = profileID
        self.purpose = purpose
        self.status = status
        self.at = at
        self.source = source
        self.lawfulBasis = lawfulBasis
        self.expiresAt = expiresAt
        self.proof = proof
        self.recordedAt = recordedAt
    }

    /// Whether this entry grants its purpose at a time (granted and not expired).
    public func grants(at time: Date) -> Bool { status == .granted && (expiresAt.map { time < $0 } ?? true) }
}

/// How a purpose without a decision is treated (`TAILOR_EMAIL_CONSENT` for email marketing).
public enum ConsentPolicy: String, Sendable, Hashable, CaseIterable {
    /// Allowed unless denied or withdrawn: Tailor's default, so installs that keep no ledger keep sending.
    case optOut = "opt-out"
    /// Allowed only with a grant in force.
    case optIn = "opt-in"
    /// Allowed only with a grant in force that the person confirmed from their mailbox (``ConsentSource/confirmsAddress``):
    /// a grant from elsewhere (the API, an import, a banner) is *pending* until its confirmation link is followed.
    case doubleOptIn = "double-opt-in"

    /// Whether a purpose is allowed at `time`, given the person's latest decision on it (nil: none). A grant
    /// that expired counts as no decision; a denial or a withdrawal always refuses.
    public func allows(_ latest: ConsentEntry?, at time: Date) -> Bool {
        guard let latest else { return self == .optOut }
        guard latest.status == .granted else { return false }
        switch self {
        case .optOut: return true
        case .optIn: return latest.grants(at: time)
        case .doubleOptIn: return latest.grants(at: time) && latest.source.confirmsAddress
        }
    }

    /// Whether `latest` is a grant waiting for its confirmation under this policy (double opt-in only).
    public func awaitsConfirmation(_ latest: ConsentEntry?, at time: Date) -> Bool {
        guard self == .doubleOptIn, let latest else { return false }
        return latest.grants(at: time) && !latest.source.confirmsAddress
    }
}

/// The current decisions of a person, from their ledger entries in recording order: per purpose, the latest
/// by decision time (then the one recorded last).
public enum ConsentLedger {
    public static func current(_ history: [ConsentEntry]) -> [ConsentPurpose: ConsentEntry] {
        var out: [ConsentPurpose: ConsentEntry] = [:]
        for entry in history {
            if let seen = out[entry.purpose], seen.at > entry.at { continue }
            out[entry.purpose] = entry
        }
        return out
    }
}
