import Foundation

extension StandardFilters {
    static let strings: [Filter] = [
        Filter("append", arguments: 1...1) { v, a, _ in .string(str(v) + str(a.positional[0])) },
        Filter("prepend", arguments: 1...1) { v, a, _ in .string(str(a.positional[0]) + str(v)) },
        .unary("upcase") { v in
            let s = str(v)
            return .string(asciiMap(s) { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 } ?? s.uppercased())
        },
        .unary("downcase") { v in
            let s = str(v)
            return .string(asciiMap(s) { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } ?? s.lowercased())
        },
        .unary("capitalize") { v in
            let s = str(v)
            if let ascii = asciiCapitalize(s) { return .string(ascii) }
            guard let first = s.first else { return .string("") }
            return .string(first.uppercased() + s.dropFirst().lowercased())
        },
        .unary("lstrip") { .string(String(str($0).drop { $0.isWhitespace })) },
        .unary("rstrip") { v in
            let s = str(v)
            return .string(String(s[..<(s.lastIndex { !$0.isWhitespace }.map { s.index(after: $0) } ?? s.startIndex)]))
        },
        .unary("strip") { .string(str($0).trimmingCharacters(in: .whitespacesAndNewlines)) },
        .unary("strip_newlines") { .string(str($0).replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\r", with: "")) },
        Filter("replace", arguments: 1...2) { v, a, _ in
            let pattern = str(a.positional[0]), replacement = str(a[1] ?? .null)
            if pattern.isEmpty { return .string(str(v).replacingOccurrences(of: pattern, with: replacement, emptyPatternInserts: true)) }
            return .string(str(v).replacingAllBytes(pattern, with: replacement))
        },
        Filter("replace_first", arguments: 1...2) { v, a, _ in
            .string(replaceFirst(str(v), str(a.positional[0]), str(a[1] ?? .null)))
        },
        Filter("replace_last", arguments: 2...2) { v, a, _ in
            .string(replaceLast(str(v), str(a.positional[0]), str(a.positional[1])))
        },
        Filter("remove", arguments: 1...1) { v, a, _ in
            let p = str(a.positional[0])
            return .string(str(v).replacingAllBytes(p, with: ""))
        },
        Filter("remove_first", arguments: 1...1) { v, a, _ in .string(replaceFirst(str(v), str(a.positional[0]), "")) },
        Filter("remove_last", arguments: 1...1) { v, a, _ in .string(replaceLast(str(v), str(a.positional[0]), "")) },
        Filter("split", arguments: 1...1) { v, a, _ in
            .array(split(str(v), str(a.positional[0])).map { .string($0) })
        },
        Filter("truncate", arguments: 0...2) { v, a, _ in
            let s = str(v)
            let length = try int(a[0], "length", default: 50)
            let ellipsis = a[1].map(str) ?? "..."
            guard let cut = s.index(s.startIndex, offsetBy: length, limitedBy: s.endIndex), cut < s.endIndex else { return .string(s) }
            let keep = max(0, length - ellipsis.count)
            return .string(String(s.prefix(keep)) + ellipsis)
        },
        Filter("truncatewords", arguments: 0...2) { v, a, _ in
            let s = str(v)
            var count = try int(a[0], "number of words", default: 15)
            if count <= 0 { count = 1 }
            let ellipsis = a[1].map(str) ?? "..."
            let words = s.split(whereSeparator: { $0.isWhitespace })
            if words.count <= count { return .string(s) }
            return .string(words.prefix(count).joined(separator: " ") + ellipsis)
        },
        Filter("slice", arguments: 1...2) { v, a, _ in
            var start = try int(a[0], "start", default: 0)
            let length = try int(a[1].flatMap { $0.isNil ? nil : $0 }, "length", default: 1)
            if case .array(let items) = v {
                if start < 0 { start = start &+ items.count }
                guard start >= 0, start < items.count, length > 0 else { return .array([]) }
                return .array(Array(items[start..<(start + min(items.count - start, length))]))
            }
            let s = str(v)
            if start >= 0, length > 0, let ascii = asciiSlice(s, start, length) { return .string(ascii) }
            if start < 0 { start = start &+ s.characterCount }
            guard start >= 0, length > 0, let from = s.index(s.startIndex, offsetBy: start, limitedBy: s.endIndex), from < s.endIndex else {
                return .string("")
            }
            let to = s.index(from, offsetBy: length, limitedBy: s.endIndex) ?? s.endIndex
            return .string(String(s[from..<to]))
        },
        Filter("size") { v, _, _ in
            switch v {
            case .string(let s), .safe(let s): return .int(s.characterCount)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int((o["size"]?.intValue) ?? o.count)
            case .range(let lo, let hi): return .int(Value.rangeCount(lo, hi))
            default: return .int(0)
            }
        },
        Filter("default", arguments: 0...1, keywords: ["allow_false"]) { v, a, _ in
            let fallback = a[0] ?? .string("")
            let allowFalse = a.keyword("allow_false")?.isTruthy ?? false
            if case .bool(false) = v, allowFalse { return v }
            if !v.isTruthy || v.isEmptyValue { return fallback }
            return v
        },
        .unary("url_encode") { v in
            if v.isNil { return .null }
            return .string(urlEncode(str(v)))
        },
        .unary("url_decode") { v in
            if v.isNil { return .null }
            return .string(urlDecode(str(v)))
        },
        .unary("base64_encode") { .string(Data(str($0).utf8).base64EncodedString()) },
        .unary("base64_decode") { v in
            guard let d = Data(base64Encoded: padBase64(str(v))) else { throw FilterError("invalid base64") }
            return .string(String(decoding: d, as: UTF8.self))
        },
        .unary("base64_url_safe_encode") { v in
            .string(Data(str(v).utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        },
        .unary("base64_url_safe_decode") { v in
            let s = str(v).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            guard let d = Data(base64Encoded: padBase64(s)) else { throw FilterError("invalid base64") }
            return .string(String(decoding: d, as: UTF8.self))
        },
    ]

    /// `slice` without walking grapheme clusters when the bytes involved are ASCII.
    static func asciiSlice(_ s: String, _ start: Int, _ length: Int) -> String? {
        let end = start &+ length
        guard end >= start else { return nil }
        var i = 0
        var result: String?
        var copy = s
        copy.withUTF8 { b in
            let stop = min(b.count, end)
            while i < stop {
                if b[i] >= 0x80 { return }
                i += 1
            }
            // A following non-ASCII byte could be a combining mark belonging to the last character.
            if stop < b.count && b[stop] >= 0x80 { return }
            result = start >= stop ? "" : String(decoding: UnsafeBufferPointer(rebasing: b[start..<stop]), as: UTF8.self)
        }
        return result
    }

    static func asciiCapitalize(_ s: String) -> String? {
        var first = true
        return asciiMap(s) { c in
            defer { first = false }
            if first { return c >= 97 && c <= 122 ? c - 32 : c }
            return c >= 65 && c <= 90 ? c + 32 : c
        }
    }

    /// Maps each byte of an ASCII string in one allocation (none for short strings); `nil` when the
    /// string is not ASCII.
    static func asciiMap(_ s: String, _ transform: (UInt8) -> UInt8) -> String? {
        var copy = s
        return copy.withUTF8 { b -> String? in
            var any: UInt8 = 0
            for c in b { any |= c }
            guard any < 0x80 else { return nil }
            return String(unsafeUninitializedCapacity: b.count) { out in
                for i in 0..<b.count { out[i] = transform(b[i]) }
                return b.count
            }
        }
    }

    static func padBase64(_ s: String) -> String {
        let r = s.utf8.count % 4
        return r == 0 ? s : s + String(repeating: "=", count: 4 - r)
    }

    static func replaceFirst(_ s: String, _ pattern: String, _ replacement: String) -> String {
        if pattern.isEmpty { return replacement + s }
        return s.replacingOneByte(pattern, with: replacement, last: false)
    }

    static func replaceLast(_ s: String, _ pattern: String, _ replacement: String) -> String {
        if pattern.isEmpty { return s + replacement }
        return s.replacingOneByte(pattern, with: replacement, last: true)
    }

    /// Ruby's `String#split`: a single space splits on runs of whitespace; an empty pattern splits
    /// into characters; trailing empty strings are dropped.
    static func split(_ s: String, _ pattern: String) -> [String] {
        if s.isEmpty { return [] }
        var parts: [String]
        if pattern == " " {
            return s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        } else if pattern.isEmpty {
            parts = s.map { String($0) }
        } else {
            parts = s.components(separatedBy: pattern)
        }
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts
    }

    static func urlEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func urlDecode(_ s: String) -> String {
        var bytes: [UInt8] = []
        let src = Array(s.utf8)
        var i = 0
        while i < src.count {
            let b = src[i]
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), i + 2 < src.count, let v = UInt8(String(decoding: src[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i += 2
            } else {
                bytes.append(b)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// `replacingOccurrences`, where an empty pattern inserts the replacement between characters
    /// (and at both ends), as Ruby's `gsub("")` does.
    func replacingOccurrences(of pattern: String, with replacement: String, emptyPatternInserts: Bool) -> String {
        guard pattern.isEmpty else { return replacingOccurrences(of: pattern, with: replacement) }
        var out = replacement
        for c in self {
            out.append(c)
            out += replacement
        }
        return out
    }
}
