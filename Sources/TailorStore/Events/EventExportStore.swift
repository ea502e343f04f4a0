public import TailorCore

/// Reading the whole event log in order, a page at a time (the event export, docs/PRIVACY.md).
public protocol EventExportStore: Sendable {
    /// Stored events with a sequence number above `after`, in sequence order, at most `limit`, each under the
    /// profile it is stored for (personal fields opened: the caller decides what leaves).
    func exportEvents(after: Int64, limit: Int) async throws -> [StoredEvent]
}
