public import Foundation
import TailorStore

/// Errors of the model services, with what was being done and where; never personal data.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No recommendation model has been trained (no file at the model path).
        case noModel
        /// The model file exists but cannot be read as a model.
        case corruptModel
        /// The profile reference leads to no profile.
        case profileNotFound
        /// The store cannot serve the models (it lacks interactions or computed traits).
        case unsupportedStore
        /// There is not enough data to fit a model.
        case notEnoughData
        /// A setting is out of range.
        case invalidArgument
    }

    public var kind: Kind
    public var message: String
    /// The file concerned, when there is one.
    public var path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}

/// The store as the model services need it.
enum ModelStores {
    static func interactions(_ database: any TailorDatabase) throws(ModelError) -> any InteractionStore {
        guard let store = database as? any InteractionStore else {
            throw ModelError(.unsupportedStore, "this database cannot read interactions for the models")
        }
        return store
    }

    static func computedTraits(_ database: any TailorDatabase) throws(ModelError) -> any ComputedTraitStore {
        guard let store = database as? any ComputedTraitStore else {
            throw ModelError(.unsupportedStore, "this database cannot keep computed traits")
        }
        return store
    }
}
