import Foundation

// MARK: - Output and conversions

extension Value {
    /// The text Liquid outputs for this value (`{{ value }}`).
    public var liquidString: String {
        switch self {
        case .null, .empty, .blank: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .string(let s), .safe(let s): return s
        case .array(let a):
            var out = ""
            for item in a { out += item.liquidString }
            return out
        case .object(let o): return Value.inspect(.object(o))
        case .range(let a, let b): return "\(a)..\(b)"
        case .drop(let d): return d.liquidDescription
        }
    }

    /// Appends the output text of this value to `out` without building intermediate strings.
    @inlinable func write(to out: inout [UInt8]) {
        switch self {
        case .string(let s), .safe(let s): out.append(utf8Of: s)
        case .int(let i): out.append(utf8Of: String(i))
        case .null, .empty, .blank: break
        case .array(let a): for item in a { item.write(to: &out) }
        default: out.append(utf8Of: liquidString)
        }
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == d.rounded(), abs(d) < 1e16 {
            return String(Int(d)) + ".0"
        }
        return d.description
    }

    /// A debug-like rendering of objects, similar to the reference implementation's `inspect`.
    static func inspect(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .string(let s), .safe(let s):
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(c)
                }
            }
            return out + "\""
        case .array(let a): return "[" + a.map(inspect).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.entries.map { inspect(.string($0.key)) + "=>" + inspect($0.value) }.joined(separator: ", ") + "}"
        default: return v.liquidString
        }
    }

    /// Numeric view used by math filters: strings are parsed, other values count as zero.
    var numberValue: Value {
        switch self {
        case .int, .double: return self
        case .string(let s), .safe(let s): return Value.parseNumber(s) ?? .int(0)
        default: return .int(0)
        }
    }

    /// Parses a leading number the way the reference implementation's `to_number` does.
    static func parseNumber(_ s: String) -> Value? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if let i = Int(t) { return .int(i) }
        if let d = Double(t), t.contains(".") || t.contains("e") || t.contains("E") {
            if t.first == "." || t.last == "." { return nil }
            return .double(d)
        }
        // Leading numeric prefix, e.g. "10px" -> 10
        var end = t.startIndex
        var sawDigit = false, sawDot = false
        var i = t.startIndex
        if i < t.endIndex, t[i] == "-" || t[i] == "+" { i = t.index(after: i) }
        while i < t.endIndex {
            let c = t[i]
            if c.isASCII, c.isNumber { sawDigit = true; i = t.index(after: i); end = i; continue }
            if c == ".", !sawDot, sawDigit { sawDot = true; i = t.index(after: i); continue }
            break
        }
        guard sawDigit else { return nil }
        let prefix = String(t[..<end])
        if let v = Int(prefix) { return .int(v) }
        if let d = Double(prefix) { return .double(d) }
        return nil
    }

    /// Integer view used by arguments such as `limit` and `truncate` lengths.
    var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.isFinite && abs(d) < 9e18 ? Int(d) : nil
        case .string(let s), .safe(let s):
            if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
            if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite, abs(d) < 9e18 { return Int(d) }
            return nil
        default: return nil
        }
    }

    var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}

extension Array where Element == UInt8 {
    @inlinable mutating func append(utf8Of s: String) {
        // Native strings are contiguous: append in place, without the copy `withUTF8` needs.
        if s.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) != nil { return }
        var s = s
        s.withUTF8 { append(contentsOf: $0) }
    }
}

// MARK: - Equality and ordering

extension Value {
    /// Liquid's `==`: numbers compare by value across int/float; `empty` and `blank` compare specially.
    public func liquidEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.empty, .empty), (.blank, .blank): return true
        case (.empty, .blank), (.blank, .empty): return false
        case (.empty, let v), (let v, .empty): return v.isEmptyValue
        case (.blank, let v), (let v, .blank): return v.isBlankValue
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)), (.safe(let a), .safe(let b)), (.string(let a), .safe(let b)), (.safe(let a), .string(let b)):
            return a == b
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !a[i].liquidEquals(b[i]) { return false }
            return true
        case (.range(let a1, let b1), .range(let a2, let b2)): return a1 == a2 && b1 == b2
        case (.range(let a, let b), .array(let arr)), (.array(let arr), .range(let a, let b)):
            guard Value.rangeCount(a, b) == arr.count else { return false }
            return Value.array(Value.rangeArray(a, b)).liquidEquals(.array(arr))
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    /// Number of integers in `lo...hi`, saturating instead of overflowing.
    static func rangeCount(_ lo: Int, _ hi: Int) -> Int {
        guard hi >= lo else { return 0 }
        let (d, o) = hi.subtractingReportingOverflow(lo)
        return o || d == Int.max ? Int.max : d + 1
    }

    /// Truncates a finite double to an integer, clamping to the representable range.
    static func clampedInt(_ d: Double) -> Int {
        guard d.isFinite else { return 0 }
        if d >= 9.2e18 { return Int.max }
        if d <= -9.2e18 { return Int.min }
        return Int(d)
    }

    static func rangeArray(_ a: Int, _ b: Int) -> [Value] {
        guard a <= b else { return [] }
        return (a...b).map { .int($0) }
    }

    /// Liquid ordering for `<`, `>`, `<=`, `>=`; `nil` when the values cannot be compared.
    func liquidCompare(_ other: Value) -> Int? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int, .double), (.double, .int), (.double, .double):
            let a = self.doubleValue!, b = other.doubleValue!
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)), (.safe(let a), .safe(let b)), (.string(let a), .safe(let b)), (.safe(let a), .string(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        default: return nil
        }
    }
}
