import TailorStore

// MARK: - Sizes

extension SegmentService {
    /// Records every segment's size now (for the audit's change over time) and returns the sizes.
    @discardableResult
    public func recordSegmentSizes() async throws -> [String: Int] {
        try await segments.recordSegmentSizes(at: clock.now())
    }
}
