public import TailorStore

/// Why a key could not be created or revoked. Names are the operator's labels, not personal data, so messages
/// may quote them; a secret is never in a message.
public struct APIKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The name is empty, too long or has characters outside `A-Z a-z 0-9 . _ -`.
        case invalidName
        /// A scope is not one of ``APIKeyScope``.
        case unknownScope
        /// No scope was given.
        case noScope
        /// A key (live or revoked) has the name already.
        case exists
        /// No key has the name.
        case notFound
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
