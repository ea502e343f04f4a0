/// An error from a store.
///
/// It says what went wrong (``code``) and, in ``context``, what was being done and where (the table, the
/// row's id, the server), never the values: its ``description`` holds no personal data.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A database URL cannot be understood.
        case unsupportedURL
        /// A stored row cannot be read back (malformed JSON, an unknown value, a sealed field that does not open).
        case corruptRow
        /// Sealing or opening personal data failed, or the master key is missing or malformed.
        case encryption
        /// A write conflicted with another one (a unique key, a serialization failure).
        case conflict
        /// The input cannot be stored as it is.
        case invalidInput
        /// The database itself failed: opening, a driver error, a timeout.
        case backend

        public var description: String { rawValue }
    }

    /// The name it had before it was typed.
    public typealias Kind = Code

    /// What kind of failure this is.
    public var code: Code
    /// A short, data-free explanation naming what was being done and where.
    public var context: String

    public init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    /// ``code`` by its former name.
    public var kind: Code { code }

    public var description: String { context }
}
