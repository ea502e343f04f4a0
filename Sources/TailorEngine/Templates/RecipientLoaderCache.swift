public import Foundation
import Synchronization

/// A ``RecipientLoader`` made once and used for a while: for senders that render page after page (the
/// journey runner), so the catalog and the popularity list are not read again for every page.
final class RecipientLoaderCache: Sendable {
    let lifetime: TimeInterval
    private let held = Mutex<(loader: RecipientLoader, madeAt: Date)?>(nil)

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    /// The held loader while it is younger than `lifetime` at `now`, else a new one from `make`.
    func loader(at now: Date, make: () async throws -> RecipientLoader) async throws -> RecipientLoader {
        if let h = held.withLock({ $0 }), now.timeIntervalSince(h.madeAt) < lifetime, now >= h.madeAt { return h.loader }
        let made = try await make()
        held.withLock { $0 = (made, now) }
        return made
    }
}
