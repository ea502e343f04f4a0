/// A Liquid value: what variables hold, expressions evaluate to and filters take and return.
///
/// Values are plain data (`Sendable`), so the data a template is rendered with can be shared
/// between tasks. Objects keep their keys in insertion order, as JSON objects and Ruby hashes do.
public enum Value: Sendable {
    /// `nil`, and any undefined variable in lax mode.
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// A string that is already markup: autoescape does not escape it (see ``Environment/autoescape``).
    case safe(String)
    case array([Value])
    case object(LiquidObject)
    /// An inclusive integer range, as written `(1..5)`.
    case range(Int, Int)
    /// The special literal `empty`.
    case empty
    /// The special literal `blank`.
    case blank
    /// An application object that resolves its own properties.
    indirect case drop(any LiquidDrop)
}

/// An object whose properties are resolved on demand, for data that is expensive to build in full
/// (Shopify calls them drops). Conformers must be safe to read from several renders at once.
public protocol LiquidDrop: Sendable {
    /// The value of the property `key`, or `nil` when the drop has no such property.
    func value(forKey key: String) -> Value?
    /// The value the drop shows as when output directly.
    var liquidDescription: String { get }
}

extension LiquidDrop {
    public var liquidDescription: String { "" }
}

// MARK: - Literals

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        var object = LiquidObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

// MARK: - Truthiness and kinds

extension Value {
    /// Liquid truthiness: only `nil` and `false` are falsy (empty strings, `0` and empty arrays are truthy).
    @inlinable public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        default: return true
        }
    }

    var isNil: Bool {
        if case .null = self { return true }
        return false
    }

    var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    /// `x == empty`: empty strings, arrays and objects.
    var isEmptyValue: Bool {
        switch self {
        case .string(let s), .safe(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        case .range(let a, let b): return b < a
        case .empty: return true
        default: return false
        }
    }

    /// `x == blank`: nil, false, whitespace-only strings and empty collections.
    var isBlankValue: Bool {
        switch self {
        case .null: return true
        case .bool(let b): return !b
        case .string(let s), .safe(let s): return s.allSatisfy(\.isWhitespace)
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        case .blank: return true
        case .range(let a, let b): return b < a
        default: return false
        }
    }

    /// The string content of a string value, without converting other kinds.
    var stringValue: String? {
        switch self {
        case .string(let s), .safe(let s): return s
        default: return nil
        }
    }
}
