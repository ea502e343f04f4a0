public import TailorEngine

/// How the dashboard under `/app` runs.
public struct DashboardSettings: Sendable {
    /// Mark cookies `Secure` (sent over HTTPS only): on whenever Tailor is reached over HTTPS.
    public var secureCookies: Bool
    /// Session lifetime and bcrypt cost.
    public var options: DashboardService.Options

    public init(secureCookies: Bool = false, options: DashboardService.Options = .init()) {
        self.secureCookies = secureCookies
        self.options = options
    }
}
