public import TailorCore

/// Ingest's side of erasure: messages that name an erased user or anonymous id are dropped before planning,
/// so an erased person's browser or app that keeps sending creates nothing. Both adapters ask the tombstones
/// (``PrivacySQL/anyTombstone`` first, so a database without erasures pays one indexed probe per transaction).
///
/// Addresses are not checked here: a person who comes back with the same address (signs up again, or is
/// imported again) gets a new profile, and the suppression entry the erasure left keeps marketing from
/// reaching it.
package enum ErasedIdentities {
    /// The tombstone key of each user and anonymous id of `messages` that no live profile holds (`known`: the
    /// links the transaction read), with the identity it stands for. An identity that a profile holds cannot be
    /// erased (an erasure deletes its link, and nothing links it again since its messages are dropped), so
    /// returning visitors cost no hash: only ids seen for the first time, or erased, are looked up.
    package static func candidates(_ messages: [Message], storageKeys: [Identity: String], known: [Identity: ProfileID],
                                   hash: (String) -> String) -> [String: Identity] {
        var out: [String: Identity] = [:]
        for identity in IngestPlanner.lookups(for: messages).identities where identity.kind != .email && known[identity] == nil {
            let storageKey = storageKeys[identity] ?? identity.value
            out[ErasureRun.tombstoneKey(kind: identity.kind.rawValue, storageKey: storageKey, hash: hash)] = identity
        }
        return out
    }

    /// The messages that name none of the erased identities, and the ids of those dropped.
    package static func dropping(_ messages: [Message], erased: Set<Identity>) -> (kept: [Message], dropped: Set<String>) {
        guard !erased.isEmpty else { return (messages, []) }
        var kept: [Message] = []
        var dropped = Set<String>()
        kept.reserveCapacity(messages.count)
        for m in messages {
            if IngestPlanner.identities(of: m).contains(where: { $0.kind != .email && erased.contains($0) }) {
                dropped.insert(m.messageId)
            } else {
                kept.append(m)
            }
        }
        return (kept, dropped)
    }
}
