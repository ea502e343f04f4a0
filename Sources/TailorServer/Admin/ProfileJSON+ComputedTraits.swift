import TailorCore
import TailorStore

extension ProfileJSON {
    /// Adds the models' computed traits (`cluster`, `cluster_label`, `predicted_clv`, `probability_alive`,
    /// `expected_purchases_90d`, `engagement_score`) to the profile's `computed` object, with
    /// `models_updated_at`, the newest time one of them was written.
    static func addComputedTraits(_ traits: [ComputedTrait], to profile: inout JSONObject) {
        guard !traits.isEmpty, case .object(var computed)? = profile["computed"] else { return }
        for t in traits { computed[t.name] = t.json }
        computed["models_updated_at"] = time(traits.compactMap(\.updatedAt).max())
        profile["computed"] = .object(computed)
    }
}
