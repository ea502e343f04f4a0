import Foundation
public import TailorCore
import TailorStore

/// What a condition would select, before it is saved: the segment builder's count and sample.
public struct SegmentPreview: Sendable {
    public var count: Int
    /// The first members in profile order.
    public var sample: [ProfileID]
}

// MARK: - Listing and previewing

extension SegmentService {
    /// Every segment with its stored member count, by name.
    public func segmentsWithSizes() async throws -> [(definition: SegmentDefinition, size: Int)] {
        var out: [(SegmentDefinition, Int)] = []
        for d in try await segments.segments() { out.append((d, try await segments.memberCount(of: d.id))) }
        return out.sorted { $0.0.name.localizedStandardCompare($1.0.name) == .orderedAscending }
    }

    /// A segment by id or name, with its stored member count and its first members.
    public func segmentWithMembers(_ idOrName: String, sample: Int) async throws -> (definition: SegmentDefinition, size: Int, sample: [ProfileID])? {
        guard let d = try await segments.segment(idOrName) else { return nil }
        return (d, try await segments.memberCount(of: d.id), try await segments.members(of: d.id, after: nil, limit: sample))
    }

    /// Checks `condition` as saving it under `id` would (references, cycles, personal data, name clash when
    /// `name` is given) and counts the audience it selects now, without storing anything.
    /// - Throws: ``SegmentDefinitionError`` when saving would be refused; the store's `StoreError`.
    public func preview(_ condition: Condition, id: String = "preview", name: String? = nil, sample: Int = 10) async throws -> SegmentPreview {
        let stored = try await segments.segments()
        let now = clock.now()
        let draft = SegmentDefinition(id: id, name: name ?? "\u{0}preview", description: "", condition: condition, createdAt: now, updatedAt: now)
        _ = try SegmentEdit.saving(draft, among: stored, policy: segments.segmentPolicy)
        return SegmentPreview(count: try await segments.audienceCount(condition), sample: try await segments.audience(condition, limit: sample))
    }
}
