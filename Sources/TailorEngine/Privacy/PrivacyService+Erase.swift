public import Foundation
public import TailorCore
public import TailorStore

// MARK: - Erasure

extension PrivacyService {
    /// Erases a person (docs/PRIVACY.md, "Erasure"): the profile and every profile merged into it, with
    /// everything they own, in one transaction; then the freed space is made unreadable (SQLite: zeroed pages,
    /// WAL checkpointed and truncated; PostgreSQL: vacuumed) and the receipt says so.
    ///
    /// A person erased before answers their receipt as it was (by the profile id, or by one of their user,
    /// anonymous or email identities, whose tombstones the erasure left); if the space was not reclaimed then
    /// (a crash, a busy database), it is now, so calling again finishes an erasure.
    /// - Throws: ``RequestError`` `.notFound` for a reference that names no profile, live or erased.
    public func erase(_ reference: ProfileReference) async throws -> ErasureReceipt {
        var receipt: ErasureReceipt?
        if let view = try await stores.profiles.profile(reference) {
            // An address kept only as a trait (imported without becoming an identity) is suppressed too.
            var keys: [String] = []
            for value in [view.personal.value["email"], view.traits["email"]] {
                if let address = value?.stringValue, !Identity.normalizeEmail(address).isEmpty {
                    keys.append(stores.suppressions.suppressionKey(forAddress: address))
                }
            }
            receipt = try await stores.privacy.erase(view.id, request: ErasureRequest(id: ErasureRequest.newID(), at: clock.now(),
                                                                                      suppressionKeys: keys))
        }
        if receipt == nil { receipt = try await stores.privacy.erasureReceipt(reference) }
        guard var receipt else { throw RequestError(.notFound, "no such profile", field: "profile") }
        if receipt.reclaimedAt == nil {
            receipt = try await stores.privacy.reclaimErasedSpace(receipt.id, at: clock.now())
        }
        return receipt
    }
}

extension ErasureReceipt {
    /// The receipt as the CLI prints it and the API answers it: counts and times only.
    public var json: JSONObject {
        var counts: JSONObject = [:]
        for k in ErasureRun.kinds { counts[k.kind] = .number(Double(removed[k.kind] ?? 0)) }
        var storage: JSONObject = ["backend": .string(backend), "reclaim": reclaim.map { .string($0) } ?? .null,
                                   "reclaimed_at": ProfileJSON.time(reclaimedAt)]
        if reclaimedAt == nil { storage["pending"] = .string("erase again to finish reclaiming the freed space") }
        return [
            "erasure_id": .string(id),
            "profile_id": .string(profileId.rawValue),
            "erased_at": ProfileJSON.time(erasedAt),
            "removed": .object(counts),
            "kept": .object(["suppressed_addresses": .number(Double(suppressed)), "tombstones": .number(Double(tombstones))]),
            "storage": .object(storage),
        ]
    }
}
