public import TailorCore
import TailorStore

// MARK: - Saving and deleting definitions

extension SegmentService {
    /// Creates or replaces a segment after checking it with the others (references, cycles, personal data),
    /// then evaluates it, and every segment that refers to it, for every live profile, recording the changes.
    /// - Throws: ``SegmentDefinitionError`` when the definition does not fit with the others (nothing is stored
    ///   then), or the store's `StoreError`.
    @discardableResult
    public func saveSegment(_ definition: SegmentDefinition) async throws -> SegmentRefresh {
        let policy = segments.segmentPolicy
        let edit = try await segments.editSegments(at: clock.now()) { stored in
            try SegmentEdit.saving(definition, among: stored, policy: policy)
        }
        guard case .save(_, let affected) = edit else { return SegmentRefresh() }
        return try await reevaluate(affected, reason: "definition")
    }

    /// Deletes a segment that no other refers to; its members exit (reason `deleted`).
    /// - Returns: false when there was no such segment.
    /// - Throws: ``SegmentDefinitionError`` (`inUse`) when another segment refers to it, or the store's `StoreError`.
    @discardableResult
    public func deleteSegment(_ id: String) async throws -> Bool {
        let edit = try await segments.editSegments(at: clock.now()) { stored in
            try SegmentEdit.deleting(id, among: stored)
        }
        return edit != .none
    }
}
