/// Picks a run's path at a random split with ``VariantAssignment`` (the experiments' assignment): the
/// experiment is the journey and the step, the unit the profile (and the run's key), so a run's path is fixed
/// however often the step runs, and the shares follow the paths' weights.
public enum JourneySplit {
    public static func pick(_ paths: [JourneyDefinition.SplitPath], journey: String, step: Int, profile: ProfileID, key: String) -> Int {
        guard paths.count > 1 else { return 0 }
        let assignment = VariantAssignment(experiment: "journey:\(journey):\(step)", arms: paths.map { .init($0.name, weight: $0.weight) })
        let arm = assignment.arm(for: key.isEmpty ? profile.rawValue : "\(profile.rawValue)\u{0}\(key)")
        return paths.firstIndex { $0.name == arm } ?? 0
    }
}
