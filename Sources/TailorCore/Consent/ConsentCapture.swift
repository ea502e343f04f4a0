public import Foundation

/// Consent decisions carried by tracked messages, as docs/PRIVACY.md documents them:
///
/// - `context.consent` on any message, either Segment's consent shape
///   (`{"categoryPreferences": {"Email Marketing": true, "Analytics": false}}`: a category whose name,
///   lower-cased with spaces and hyphens as `_`, is a purpose; other categories are not Tailor's) or a map
///   from purpose to decision;
/// - `traits.consent` on `identify`: a map from purpose to decision.
///
/// A decision is `true` (granted), `false` (denied), one of `"granted"`, `"denied"`, `"withdrawn"`, or an
/// object `{"status": …, "lawful_basis": …, "expires_at": ISO-8601, "form": …}`. It is dated at the
/// message's timestamp; its evidence is the message id, the field, and the message's `context.ip` and
/// `context.userAgent` (sealed at rest with the rest of the proof).
public enum ConsentCapture {
    /// A decision that cannot be read, with where it is in the message (`context.consent.analytics`).
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The decisions a message carries for `profile`, in a fixed order (context first, purposes in their
    /// declared order). Each is keyed by the message id and purpose, so storing the same message twice
    /// records it once.
    /// - Throws: ``Error`` for a decision that cannot be read.
    public static func entries(in message: Message, profile: ProfileID) throws(Error) -> [ConsentEntry] {
        var out: [ConsentEntry] = []
        for (field, decisions) in try sources(of: message) {
            for purpose in ConsentPurpose.allCases {
                guard let value = decisions[purpose] else { continue }
                let path = "\(field).\(purpose.rawValue)"
                let decision = try decision(value, path: path, at: message.timestamp)
                var proof: JSONObject = ["message_id": .string(message.messageId), "field": .string(field)]
                if let ip = message.context["ip"]?.stringValue { proof["ip"] = .string(ip) }
                if let agent = message.context["userAgent"]?.stringValue { proof["user_agent"] = .string(agent) }
                if let form = decision.form { proof["form"] = .string(form) }
                out.append(ConsentEntry(profileID: profile, purpose: purpose, status: decision.status, at: message.timestamp,
                                        source: .api, lawfulBasis: decision.basis, expiresAt: decision.expiresAt, proof: proof,
                                        key: "message:\(message.messageId):\(purpose.rawValue)"))
            }
        }
        return out
    }

    /// Whether a message carries any consent field (cheap: no decision is read).
    public static func carriesConsent(_ message: Message) -> Bool {
        message.context["consent"] != nil || (message.type == .identify && message.traits["consent"] != nil)
    }

    // MARK: Reading

    private static func sources(of message: Message) throws(Error) -> [(String, [ConsentPurpose: JSONValue])] {
        var out: [(String, [ConsentPurpose: JSONValue])] = []
        if let value = message.context["consent"], value != .null {
            guard case .object(let o) = value else { throw Error(path: "context.consent", reason: "expected an object") }
            if let categories = o["categoryPreferences"] {
                guard case .object(let c) = categories else {
                    throw Error(path: "context.consent.categoryPreferences", reason: "expected an object")
                }
                var decisions: [ConsentPurpose: JSONValue] = [:]
                for (name, v) in c {
                    guard let purpose = ConsentPurpose(rawValue: normalized(name)) else { continue }
                    guard case .bool = v else {
                        throw Error(path: "context.consent.categoryPreferences.\(name)", reason: "expected true or false")
                    }
                    decisions[purpose] = v
                }
                out.append(("context.consent.categoryPreferences", decisions))
            } else {
                out.append(("context.consent", try purposes(o, path: "context.consent")))
            }
        }
        if message.type == .identify, let value = message.traits["consent"], value != .null {
            guard case .object(let o) = value else { throw Error(path: "traits.consent", reason: "expected an object") }
            out.append(("traits.consent", try purposes(o, path: "traits.consent")))
        }
        return out
    }

    private static func purposes(_ o: JSONObject, path: String) throws(Error) -> [ConsentPurpose: JSONValue] {
        var out: [ConsentPurpose: JSONValue] = [:]
        for (name, value) in o {
            guard let purpose = ConsentPurpose(rawValue: name) else {
                throw Error(path: "\(path).\(name)", reason: "unknown purpose (email_marketing, personalization, analytics)")
            }
            out[purpose] = value
        }
        return out
    }

    private struct Decision {
        var status: ConsentStatus
        var basis: LawfulBasis = .consent
        var expiresAt: Date?
        var form: String?
    }

    private static func decision(_ value: JSONValue, path: String, at: Date) throws(Error) -> Decision {
        switch value {
        case .bool(let granted):
            return Decision(status: granted ? .granted : .denied)
        case .string(let s):
            guard let status = ConsentStatus(rawValue: s) else { throw Error(path: path, reason: "expected granted, denied or withdrawn") }
            return Decision(status: status)
        case .object(let o):
            guard let raw = o["status"] else { throw Error(path: "\(path).status", reason: "is required") }
            var d = try decision(raw, path: "\(path).status", at: at)
            if let b = o["lawful_basis"], b != .null {
                guard let s = b.stringValue, let basis = LawfulBasis(rawValue: s) else {
                    throw Error(path: "\(path).lawful_basis", reason: "unknown lawful basis")
                }
                d.basis = basis
            }
            if let e = o["expires_at"], e != .null {
                guard let s = e.stringValue, let expiry = ISO8601.parse(s) else {
                    throw Error(path: "\(path).expires_at", reason: "expected an ISO-8601 date-time")
                }
                guard d.status == .granted else { throw Error(path: "\(path).expires_at", reason: "only a grant expires") }
                guard expiry > at else { throw Error(path: "\(path).expires_at", reason: "must come after the message's timestamp") }
                d.expiresAt = expiry
            }
            if let f = o["form"], f != .null {
                guard let s = f.stringValue else { throw Error(path: "\(path).form", reason: "expected a string") }
                d.form = s
            }
            return d
        default:
            throw Error(path: path, reason: "expected true, false, a status or an object")
        }
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}
