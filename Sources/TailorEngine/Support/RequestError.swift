/// A request to an engine service (templates, campaigns, consent) that cannot be done, for a 4xx answer or a
/// CLI message. It names the template, campaign, segment or field concerned (`html`, `segments[1]`,
/// `entries[0].status`), never a person's data.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The raw value is the API's error code.
    public enum Code: String, Sendable, Equatable {
        /// The input is wrong: a name, a field, Liquid that does not parse (with line and column).
        case invalid
        /// Creating it would replace one of the same name.
        case exists
        /// No template, campaign or segment has that name.
        case notFound
        /// Something still uses it (a campaign its template, an email its layout).
        case inUse = "in_use"
        /// The move is not allowed from the campaign's current state (named in the message).
        case illegalState = "illegal_state"
        /// A setting the send needs is missing or malformed (the sender address, the cap).
        case configuration
    }

    public var code: Code
    public var message: String
    /// The field concerned (`html`, `segments[0]`), when there is one.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
