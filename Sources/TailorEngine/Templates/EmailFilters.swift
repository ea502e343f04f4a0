import Foundation
public import Liquid
public import TailorCore

/// The filters emails have beside Liquid's standard ones (docs/CAMPAIGNS.md):
/// - `money`: an amount with two decimals and its currency (`{{ cart.value | money }}` → `$12.50`;
///   `| money: "EUR"` → `€12.50`); anything that is not a number passes through.
/// - `product_url`: a product id's page in the catalog (`{{ item.product_id | product_url }}`), empty when
///   the catalog has no URL for it.
///
/// The standard `date` filter formats in the recipient's time zone: each recipient's time zone gets its own
/// environment (``EmailEnvironment``).
public enum EmailFilters {
    /// Symbols written before the amount; other currencies are written as `12.50 SEK`.
    static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "CHF": "CHF "]

    public static func all(currency: String, productURLs: [String: String]) -> [Filter] {
        [
            Filter("money", arguments: 0...1) { value, arguments, _ in
                guard let amount = number(value) else { return value }
                let code = (arguments[0].map(\.liquidString) ?? currency).uppercased()
                return .string(format(amount, currency: code))
            },
            Filter.unary("product_url") { value in
                .string(productURLs[value.liquidString] ?? "")
            },
        ]
    }

    /// `$12.50`, `-€3.00`, `1,234.50 SEK`: two decimals, thousands grouped with commas.
    public static func format(_ amount: Double, currency: String) -> String {
        let cents = (abs(amount) * 100).rounded()
        let whole = Int64(min(cents / 100, 9e15).rounded(.down))
        let fraction = Int(cents.truncatingRemainder(dividingBy: 100))
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        let number = digits + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
        let sign = amount < 0 && cents > 0 ? "-" : ""
        if let symbol = symbols[currency] { return sign + symbol + number }
        return sign + number + " " + currency
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d.isFinite ? d : nil
        case .string(let s), .safe(let s): Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: nil
        }
    }
}
