/// Why a dashboard user could not be created or changed. Its description never holds the email or password.
public struct DashboardUserError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The email is not an address.
        case invalidEmail
        /// The password is too short or too long for bcrypt.
        case invalidPassword
        /// A user has this email already.
        case exists
        /// No user has this email.
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
