import Foundation
import TailorCore

/// How values read on a page: times, amounts, JSON values. Text only; escaping happens where it is put
/// into `HTML`.
enum DashboardFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        // To the second, in UTC: "2026-11-05 14:03:09 UTC".
        var text = ISO8601.format(date).replacingOccurrences(of: "T", with: " ")
        if let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) } else if text.hasSuffix("Z") { text.removeLast() }
        return text + " UTC"
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }

    static func money(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "—" }

    static func value(_ value: JSONValue) -> String {
        switch value {
        case .null: "—"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): number(n)
        case .string(let s): s
        case .array, .object: JSONWriter.string(value)
        }
    }

    /// A `<time>` element with a machine-readable date.
    static func timeHTML(_ date: Date?) -> HTML {
        guard let date else { return "—" }
        return "<time datetime=\"\(ISO8601.format(date))\">\(time(date))</time>"
    }
}
