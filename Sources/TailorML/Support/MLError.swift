/// An error from one of TailorML's models or readers.
///
/// Descriptions carry the kind of failure and where it happened (a file path and line, a parameter
/// name), never the values of the data, which may be personal.
public struct MLError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// An argument is out of its domain (for example k < 1, or an empty data set).
        case invalidArgument
        /// A file could not be read or written.
        case io
        /// A file's content is malformed (bad header, non-numeric field, wrong column count).
        case malformedInput
        /// An optimizer or fit did not produce a finite solution.
        case fitFailed
    }

    /// What went wrong.
    public let kind: Kind
    /// Human-readable context: which parameter, file or step.
    public let message: String
    /// The file the error refers to, when there is one.
    public var path: String?
    /// The 1-based line in `path`, when known.
    public var line: Int?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, path: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String {
        var location = ""
        if let path { location = line.map { " (\(path):\($0))" } ?? " (\(path))" }
        return "TailorML \(kind): \(message)\(location)"
    }
}
