/// The standard filter set. Each concern lives in its own file (`StandardFilters+Strings.swift`, …).
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

    /// Array input: arrays as they are, ranges expanded, other non-nil values as one-element arrays.
    static func arr(_ v: Value) throws -> [Value] {
        switch v {
        case .array(let a): return a
        case .range(let lo, let hi):
            guard Value.rangeCount(lo, hi) < 1_000_000 else { throw FilterError("range too large", kind: .limitExceeded) }
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
}
