public import Foundation
public import TailorCore
public import TailorStore

/// Records the consent decisions that tracked messages carry (`context.consent`, identify's
/// `traits.consent`: ``ConsentCapture``) in the ledger, in the transaction that stores the messages.
///
/// A decision that restates the person's current one on that purpose (same status, lawful basis and
/// expiry, not older) is not recorded again, so a site that sends its consent state with every identify
/// does not grow the ledger; a change, or an older decision arriving late, is. Each entry is keyed by its
/// message and purpose: a message stored twice is recorded once.
public struct ConsentCaptureStep: EventStep {
    public let name = "consent-capture"

    public init() {}

    public func start(_ input: EventStepInput) -> (any EventStepRun)? {
        var entries: [ConsentEntry] = []
        for event in input.events where ConsentCapture.carriesConsent(event.message) {
            // The decoder refused unreadable decisions at the edge; a caller that skipped it loses only those.
            entries += (try? ConsentCapture.entries(in: event.message, profile: event.profile)) ?? []
        }
        return entries.isEmpty ? nil : Run(entries: entries, now: input.now)
    }

    /// Reads the current decisions of the profiles concerned, a chunk at a time, then writes what is new.
    struct Run: EventStepRun {
        let entries: [ConsentEntry]
        let now: Date
        let chunks: [[String]]
        var read = 0
        var current: [Key: Decision] = [:]

        struct Key: Hashable {
            var profile: String
            var purpose: String
        }

        struct Decision: Equatable {
            var status: String
            var basis: String
            var expiresAt: Int64?
            var at: Int64
        }

        init(entries: [ConsentEntry], now: Date) {
            self.entries = entries
            self.now = now
            let profiles = Array(Set(entries.map(\.profileID.rawValue))).sorted()
            chunks = stride(from: 0, to: profiles.count, by: 400).map { Array(profiles[$0..<min(profiles.count, $0 + 400)]) }
        }

        mutating func next(_ rows: [StepRow]) throws -> StepAction {
            for row in rows {
                guard row.count == 6, let owner = row[0].text, let purpose = row[1].text, let status = row[2].text,
                      let basis = row[3].text, let at = row[5].integer else { continue }
                // Rows come oldest decision first: the last one seen is the current one.
                current[Key(profile: owner, purpose: purpose)] = Decision(status: status, basis: basis, expiresAt: row[4].integer, at: at)
            }
            if read < chunks.count {
                defer { read += 1 }
                return .read(Self.currentDecisions(of: chunks[read]))
            }
            if read == chunks.count {
                read += 1
                let statements = newEntries().map { Self.insert($0, recordedAt: now) }
                return statements.isEmpty ? .done : .write(statements)
            }
            return .done
        }

        /// The entries that change what is recorded, in message order.
        func newEntries() -> [ConsentEntry] {
            var state = current
            var out: [ConsentEntry] = []
            for e in entries {
                let key = Key(profile: e.profileID.rawValue, purpose: e.purpose.rawValue)
                let decision = Decision(status: e.status.rawValue, basis: e.lawfulBasis.rawValue,
                                        expiresAt: e.expiresAt?.millisecondsSince1970, at: e.at.millisecondsSince1970)
                if let seen = state[key] {
                    var restated = decision
                    restated.at = seen.at
                    if restated == seen && decision.at >= seen.at { continue }
                    if decision.at < seen.at { out.append(e); continue }
                }
                state[key] = decision
                out.append(e)
            }
            return out
        }

        static func currentDecisions(of profiles: [String]) -> StepSQL {
            let list = Array(repeating: "?", count: profiles.count).joined(separator: ", ")
            return StepSQL("""
                SELECT COALESCE(p.merged_into, c.profile_id), c.purpose, c.status, c.lawful_basis, c.expires_at, c.decided_at
                FROM consent_ledger c LEFT JOIN profiles p ON p.id = c.profile_id
                WHERE c.profile_id IN (\(list)) OR c.profile_id IN (SELECT id FROM profiles WHERE merged_into IN (\(list)))
                ORDER BY c.decided_at, c.id
                """, (profiles + profiles).map(StepValue.text))
        }

        static func insert(_ e: ConsentEntry, recordedAt: Date) -> StepSQL {
            StepSQL("""
                INSERT INTO consent_ledger (profile_id, \(ConsentRecord.columns), entry_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, [.text(e.profileID.rawValue), .text(e.purpose.rawValue), .text(e.status.rawValue), .integer(e.at.millisecondsSince1970),
                      .text(e.source.rawValue), .text(e.lawfulBasis.rawValue), e.expiresAt.map { .integer($0.millisecondsSince1970) } ?? .null,
                      .sealed(e.proof), .integer(recordedAt.millisecondsSince1970), e.key.map(StepValue.text) ?? .null])
        }
    }
}
