public import Foundation
public import TailorCore

/// Traits the models compute for profiles (cluster, predicted value, engagement score), kept in the
/// `computed_traits` table: one row per profile and name, a number and/or a text, and when it was written.
/// Unlike traits from `identify` calls they are derived data: recomputing them replaces them.
public protocol ComputedTraitStore: Sendable {
    /// Writes many computed traits at once (insert or replace by profile and name), in one transaction.
    func writeComputedTraits(_ traits: [ComputedTrait], at: Date) async throws

    /// A profile's computed traits, by name.
    func computedTraits(of profile: ProfileID) async throws -> [ComputedTrait]
}

/// One computed trait of one profile.
public struct ComputedTrait: Sendable, Hashable {
    public var profileId: ProfileID
    public var name: String
    public var number: Double?
    public var text: String?
    /// When it was written (set by the store on reading; ignored on writing).
    public var updatedAt: Date?

    public init(profileId: ProfileID, name: String, number: Double? = nil, text: String? = nil, updatedAt: Date? = nil) {
        self.profileId = profileId
        self.name = name
        self.number = number
        self.text = text
        self.updatedAt = updatedAt
    }

    /// The value as JSON: the number, else the text, else null.
    public var json: JSONValue {
        if let number { return .number(number) }
        if let text { return .string(text) }
        return .null
    }
}
