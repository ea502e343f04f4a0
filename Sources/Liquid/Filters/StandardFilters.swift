/// The standard filter set. Each concern lives in its own file (`StandardFilters+Strings.swift`, …).
///
/// Every filter returns a value or throws ``FilterError`` for any input and arguments: none may trap
/// (integer overflow, a negative count, an out-of-range conversion), since a trap ends the process.
/// The renderer charges each call to the render's work budget and checks the size of its result
/// (see ``ResourceLimits``); filters that can multiply their input (`append`, `replace`, `join`,
/// `split`, `concat`, …) also check ``ResourceLimits/valueBytes`` before they build.
enum StandardFilters {
    static let all: [String: Filter] = {
        var r: [String: Filter] = [:]
        for f in strings + arrays + math + html + dates { r[f.name] = f }
        return r
    }()

    /// String input of a filter: nil becomes "", other values their output text.
    @inline(__always) static func str(_ v: Value) -> String {
        switch v {
        case .string(let s), .safe(let s): return s
        default: return v.liquidString
        }
    }

    /// Array input: arrays as they are, ranges expanded (at most ``ResourceLimits/valueItems``
    /// items, checked before expanding), other non-nil values as one-element arrays.
    static func arr(_ v: Value, _ env: Environment) throws -> [Value] {
        switch v {
        case .array(let a): return a
        case .range(let lo, let hi):
            try ensure(items: Value.rangeCount(lo, hi), env)
            return Value.rangeArray(lo, hi)
        case .null: return []
        default: return [v]
        }
    }

    /// Integer arguments: integers and integer strings; anything else (nil, floats) is an error.
    static func int(_ v: Value?, _ name: String, default d: Int) throws -> Int {
        guard let v else { return d }
        switch v {
        case .int(let i): return i
        case .string(let s), .safe(let s):
            if let i = Int(s.trimmingSpaces()) { return i }
        default: break
        }
        throw FilterError("\(name) must be an integer")
    }

    /// Throws when a string of `bytes` bytes would exceed ``ResourceLimits/valueBytes``.
    @inline(__always) static func ensure(bytes: Int, _ env: Environment) throws {
        if bytes > env.limits.valueBytes { throw tooLarge(env) }
    }

    /// Throws when an array of `items` items would exceed ``ResourceLimits/valueBytes``.
    @inline(__always) static func ensure(items: Int, _ env: Environment) throws {
        if items > env.limits.valueItems { throw FilterError(env.limits.arrayTooLarge, kind: .limitExceeded) }
    }

    static func tooLarge(_ env: Environment) -> FilterError {
        FilterError(env.limits.stringTooLarge, kind: .limitExceeded)
    }

    /// `a + b` for sizes, saturating instead of trapping.
    @inline(__always) static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? .max : r
    }

    /// `a × b` for sizes, saturating instead of trapping.
    @inline(__always) static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : r
    }
}
