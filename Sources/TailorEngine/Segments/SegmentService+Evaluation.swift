import TailorCore
import TailorStore

// MARK: - Re-evaluation and timers

extension SegmentService {
    /// How many profiles one re-evaluation or timer transaction takes.
    static let profilesPerTransaction = 500

    /// Evaluates some segments for every live profile, a page of profiles per transaction, and records the
    /// changes with `reason`. Each page is evaluated at the clock's time when it is read.
    func reevaluate(_ ids: Set<String>, reason: String) async throws -> SegmentRefresh {
        var refresh = SegmentRefresh()
        var after: ProfileID?
        while true {
            let now = clock.now()
            let pass = try await segments.evaluateMemberships(.profiles(after: after, limit: Self.profilesPerTransaction), now: now) { batch in
                let inputs = batch.inputs.map { input in
                    var input = input
                    input.affected = ids
                    return input
                }
                return MembershipPlanner.plan(batch.catalog, inputs, now: now, reason: reason)
            }
            guard let last = pass.selected.last else { return refresh }
            refresh.add(pass)
            after = last
        }
    }

    /// Evaluates, in one transaction, up to `limit` profiles whose timers are due, for every segment, and records
    /// the changes with the reason `time`. Profiles gone since their timer was set (merged away) lose it.
    /// - Returns: how many profiles were taken.
    @discardableResult
    public func runSegmentTimers(limit: Int) async throws -> Int {
        let now = clock.now()
        let pass = try await segments.evaluateMemberships(.dueTimers(limit: limit), now: now) { batch in
            var outcome = MembershipPlanner.plan(batch.catalog, batch.inputs, now: now, reason: "time")
            let live = Set(batch.inputs.map(\.subject.profileId))
            for id in batch.selected where !live.contains(id) { outcome.timers[id] = .some(nil) }
            return outcome
        }
        return pass.selected.count
    }

    /// Applies every due timer; returns how many profiles were evaluated.
    @discardableResult
    public func runDueTimers() async throws -> Int {
        var total = 0
        while true {
            let n = try await runSegmentTimers(limit: Self.profilesPerTransaction)
            total += n
            if n < Self.profilesPerTransaction { return total }
        }
    }
}
