public import TailorCore
import TailorStore

// MARK: - Computed traits

extension SegmentService {
    /// Re-evaluates, for every live profile, the segments that read any of these computed traits (directly or
    /// through a segment they refer to), and records the changes with the reason `computed`: what must follow a
    /// recomputation by the models (``ComputedTraitService``), as ``refreshRFM()`` does for `rfm.*`. Computed
    /// traits change no event, so ingest alone would never move these memberships.
    /// - Parameter names: the computed traits that were rewritten.
    /// - Returns: what changed (nothing was evaluated when no segment reads them).
    @discardableResult
    public func refreshComputedReaders(of names: Set<ComputedField>) async throws -> SegmentRefresh {
        guard !names.isEmpty else { return SegmentRefresh() }
        let catalog = try SegmentCatalog(try await segments.segments(), policy: segments.segmentPolicy)
        let readers = catalog.readers(of: names)
        guard !readers.isEmpty else { return SegmentRefresh() }
        return try await reevaluate(readers, reason: "computed")
    }
}
