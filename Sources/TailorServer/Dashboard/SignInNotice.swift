/// What the sign-in page says above its form. The query names one of these, so the page never shows text a
/// link carried in.
enum SignInNotice: String, Sendable, CaseIterable {
    case required, expired, failed, limited
    case signedOut = "signed-out"

    var message: String {
        switch self {
        case .required: "Sign in to continue."
        case .expired: "Your session has ended. Sign in again."
        case .failed: "The email or the password is wrong."
        case .limited: "Too many failed sign-ins from this address. Wait a minute, then try again."
        case .signedOut: "You are signed out."
        }
    }

    /// An error, read by screen readers at once, or news.
    var isError: Bool { self == .failed || self == .expired || self == .limited }
}
