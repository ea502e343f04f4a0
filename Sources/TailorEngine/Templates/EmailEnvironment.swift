public import Foundation
public import Liquid
import Synchronization
public import TailorStore

/// The Liquid set-up emails are rendered with: partials from the stored templates, the email filters, and
/// one environment per recipient time zone (the `date` filter formats in it), each with its templates
/// parsed once.
///
/// HTML is rendered with autoescape on, so a trait never injects markup (the `raw` filter is the explicit
/// opt-out); the subject, the preheader and the text part are plain text and are not escaped.
public final class EmailEnvironment: Sendable {
    public let partials: [String: String]
    public let filters: [Filter]
    private let environments = Mutex<[String: (html: Environment, text: Environment)]>([:])

    /// - Parameters:
    ///   - templates: the stored templates; every one can be included as a partial by its name.
    ///   - currency: the `money` filter's default currency.
    ///   - productURLs: the catalog's product pages, for `product_url`.
    public init(templates: [EmailTemplate], currency: String = "USD", productURLs: [String: String] = [:]) {
        partials = Dictionary(templates.map { ($0.name, $0.html) }, uniquingKeysWith: { a, _ in a })
        filters = EmailFilters.all(currency: currency, productURLs: productURLs)
    }

    /// The environments for a time zone: (HTML, plain text).
    public func environments(timeZone: TimeZone) -> (html: Environment, text: Environment) {
        let key = timeZone.identifier
        if let found = environments.withLock({ $0[key] }) { return found }
        let loader = InMemoryLoader(partials)
        let made = (html: Environment(autoescape: true, loader: loader, filters: filters, timeZone: timeZone),
                    text: Environment(autoescape: false, loader: loader, filters: filters, timeZone: timeZone))
        environments.withLock { $0[key] = made }
        return made
    }

    /// UTC, the time zone of recipients without one.
    public static let utc = TimeZone(identifier: "UTC")!
}
