import Foundation
import TailorCore
import TailorStore

extension Importer {
    /// Consent rows (docs/PRIVACY.md, "Importing"): the person by `user_id` or `email` (a profile that
    /// exists), `purpose`, `status`, `timestamp` (the decision's time; default now), `lawful_basis`,
    /// `expires_at`, and the evidence `ip`, `user_agent`, `form`. Each entry's key is derived from its row, so
    /// importing the file again records nothing new.
    func consentEntries(_ rows: [DelimitedReader.Row], _ table: Table, profiles: any ProfileStore,
                        report: inout ImportReport) async throws -> [ConsentEntry] {
        var entries: [ConsentEntry] = []
        let now = clock.now()
        for row in rows {
            func refuse(_ field: String, _ reason: String) {
                report.issues.append(ImportIssue(line: row.line, column: table.column(field), reason: reason + "; row skipped"))
            }
            let reference: ProfileReference
            if let user = table.value(row, "user_id") {
                reference = .identity(Identity(.user, user))
            } else if let email = table.value(row, "email") {
                reference = .identity(Identity(.email, email))
            } else {
                refuse("user_id", "missing user id or email")
                continue
            }
            guard let profile = try await profiles.profile(reference) else {
                refuse(table.value(row, "user_id") != nil ? "user_id" : "email", "no profile with this user id or email (import the customers first)")
                continue
            }
            guard let purpose = table.value(row, "purpose").flatMap(ConsentPurpose.init(rawValue:)) else {
                refuse("purpose", "purpose is email_marketing, personalization or analytics")
                continue
            }
            guard let status = table.value(row, "status").flatMap(ConsentStatus.init(rawValue:)) else {
                refuse("status", "status is granted, denied or withdrawn")
                continue
            }
            var at = now
            if let text = table.value(row, "timestamp") {
                guard let t = ImportValues.date(text) else { refuse("timestamp", "not a date"); continue }
                guard t <= now else { refuse("timestamp", "a decision cannot be dated in the future"); continue }
                at = t
            }
            var basis = LawfulBasis.consent
            if let text = table.value(row, "lawful_basis") {
                guard let b = LawfulBasis(rawValue: text) else { refuse("lawful_basis", "unknown lawful basis"); continue }
                basis = b
            }
            var expires: Date?
            if let text = table.value(row, "expires_at") {
                guard let t = ImportValues.date(text) else { refuse("expires_at", "not a date"); continue }
                guard status == .granted, t > at else { refuse("expires_at", "only a grant expires, after it is given"); continue }
                expires = t
            }
            // `double_opt_in`: a grant the person confirmed from their mailbox in an earlier tool (the row's evidence
            // says how), so that turning double opt-in on does not hold it as pending.
            var source = ConsentSource.import
            if let text = table.value(row, "source") {
                switch text {
                case "import": break
                case "double_opt_in" where status == .granted: source = .doubleOptIn
                default: refuse("source", "source is import, or double_opt_in for a grant confirmed elsewhere"); continue
                }
            }
            var proof: JSONObject = [:]
            for field in ["ip", "user_agent", "form"] { if let v = table.value(row, field) { proof[field] = .string(v) } }
            let key = "import-consent-" + StableHash.hex(Array(row.fields.joined(separator: "\u{1}").utf8))
            entries.append(ConsentEntry(profileID: profile.id, purpose: purpose, status: status, at: at, source: source, lawfulBasis: basis,
                                        expiresAt: expires, proof: proof, key: key))
            report.rowsAccepted += 1
        }
        return entries
    }
}
