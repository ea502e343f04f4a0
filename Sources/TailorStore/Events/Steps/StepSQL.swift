public import Foundation
public import TailorCore

/// A statement both backends run as written: `?` placeholders bound in order (the PostgreSQL driver numbers
/// them; a `?` must not appear inside a string literal), times as integer milliseconds, upserts as
/// `INSERT … ON CONFLICT … DO …`, and no function only one dialect has.
public struct StepSQL: Sendable, Hashable {
    public var sql: String
    public var values: [StepValue]

    public init(_ sql: String, _ values: [StepValue] = []) {
        self.sql = sql
        self.values = values
    }
}

/// A value bound into, or read from, a ``StepSQL``.
public enum StepValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    /// Personal data: the driver seals it with the store's field cipher and binds the sealed bytes (NULL for
    /// an empty object). Reading gives back `.blob` (sealed); steps do not open personal data.
    case sealed(JSONObject)

    public var integer: Int64? { if case .integer(let i) = self { i } else { nil } }
    public var text: String? { if case .text(let s) = self { s } else { nil } }
}

/// One row a step's read returned: its columns in select order.
public typealias StepRow = [StepValue]

extension StepSQL {
    /// The statement with each `?` replaced by what `placeholder` gives for its ordinal (1-based): the
    /// PostgreSQL driver's `$n`.
    public func numberingPlaceholders(_ placeholder: (Int) -> String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + values.count * 2)
        var n = 0
        var inString = false
        for c in sql {
            if c == "'" { inString.toggle() }
            if c == "?" && !inString {
                n += 1
                out += placeholder(n)
            } else {
                out.append(c)
            }
        }
        return out
    }
}
