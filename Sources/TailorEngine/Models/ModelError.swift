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
