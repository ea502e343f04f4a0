public import Foundation

/// A change to the stored segment definitions, planned from the definitions as the transaction that writes it
/// read them (pure: `SegmentService` plans it, a store applies it, as ingest applies an `IngestPlan`).
public enum SegmentEdit: Sendable, Equatable {
    /// Nothing to write (deleting a segment that does not exist).
    case none
    /// Creates or replaces a definition. `reevaluate` are the segments whose memberships it may change (it and
    /// every segment that refers to it); the store does not write them, the caller evaluates them afterwards.
    case save(SegmentDefinition, reevaluate: Set<String>)
    /// Deletes a definition and its recorded sizes; its members exit (``exits(of:members:at:)``).
    case delete(SegmentDefinition)

    /// Saving `definition` among the `stored` ones (it replaces the one with its id).
    ///
    /// - Throws: ``SegmentDefinitionError`` when another segment has its name (`exists`), or when the catalog with
    ///   it would be invalid (an unknown reference, a cycle, a personal field under `policy`).
    public static func saving(_ definition: SegmentDefinition, among stored: [SegmentDefinition], policy: PersonalDataPolicy)
        throws(SegmentDefinitionError) -> SegmentEdit
    {
        var all = stored.filter { $0.id != definition.id }
        if let clash = all.first(where: { $0.name == definition.name }) {
            throw SegmentDefinitionError("another segment (\(clash.id)) already has this name", code: .exists)
        }
        all.append(definition)
        let catalog = try SegmentCatalog(all, policy: policy)
        return .save(definition, reevaluate: catalog.dependents(of: definition.id))
    }

    /// Deleting the segment `id` from the `stored` ones; ``none`` when there is none.
    ///
    /// - Throws: ``SegmentDefinitionError`` (`inUse`) when another segment refers to it.
    public static func deleting(_ id: String, among stored: [SegmentDefinition]) throws(SegmentDefinitionError) -> SegmentEdit {
        guard let definition = stored.first(where: { $0.id == id }) else { return .none }
        if let user = stored.first(where: { $0.condition.segmentReferences.contains(id) }) {
            throw SegmentDefinitionError("segment \(user.id) refers to \(id); change or delete it first", code: .inUse)
        }
        return .delete(definition)
    }

    /// What deleting a segment writes for its members: each exits, with the reason `deleted`.
    public static func exits(of segment: SegmentDefinition, members: [ProfileID], at now: Date) -> MembershipOutcome {
        var outcome = MembershipOutcome()
        outcome.changes = members.map {
            MembershipChange(profile: $0, segmentId: segment.id, segmentName: segment.name, entered: false, at: now, reason: "deleted")
        }
        return outcome
    }
}
