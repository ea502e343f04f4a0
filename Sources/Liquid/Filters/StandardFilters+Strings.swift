import Foundation

extension StandardFilters {
    static let strings: [Filter] = [
        Filter("append", arguments: 1...1) { v, a, env in
            let head = str(v), tail = str(a.positional[0])
            try ensure(bytes: saturatingSum(head.utf8.count, tail.utf8.count), env)
            return .string(head + tail)
        },
        Filter("prepend", arguments: 1...1) { v, a, env in
            let head = str(a.positional[0]), tail = str(v)
            try ensure(bytes: saturatingSum(head.utf8.count, tail.utf8.count), env)
            return .string(head + tail)
        },
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
        // CR and LF are single bytes that never occur inside another character's encoding.
        .unary("strip_newlines") { v in .string(removingBytes(str(v)) { $0 == 0x0A || $0 == 0x0D }) },
        Filter("replace", arguments: 1...2) { v, a, env in
            let pattern = str(a.positional[0]), replacement = str(a[1] ?? .null)
            let limit = env.limits.valueBytes
            let result =
                pattern.isEmpty
                ? str(v).inserting(replacement, betweenCharactersUpTo: limit) : str(v).replacingAllBytes(pattern, with: replacement, limit: limit)
            guard let result else { throw tooLarge(env) }
            return .string(result)
        },
        Filter("replace_first", arguments: 1...2) { v, a, env in
            .string(try replaceFirst(str(v), str(a.positional[0]), str(a[1] ?? .null), env))
        },
        Filter("replace_last", arguments: 2...2) { v, a, env in
            .string(try replaceLast(str(v), str(a.positional[0]), str(a.positional[1]), env))
        },
        Filter("remove", arguments: 1...1) { v, a, _ in
            let p = str(a.positional[0])
            return .string(str(v).replacingAllBytes(p, with: "") ?? "")
        },
        Filter("remove_first", arguments: 1...1) { v, a, env in .string(try replaceFirst(str(v), str(a.positional[0]), "", env)) },
        Filter("remove_last", arguments: 1...1) { v, a, env in .string(try replaceLast(str(v), str(a.positional[0]), "", env)) },
        Filter("split", arguments: 1...1) { v, a, env in
            .array(try split(str(v), str(a.positional[0]), env).map { .string($0) })
        },
        Filter("truncate", arguments: 0...2) { v, a, _ in
            let s = str(v)
            let length = try int(a[0], "length", default: 50)
            let ellipsis = a[1].map(str) ?? "..."
            // The reference implementation: a string longer than `length` characters keeps
            // `length` minus the ellipsis of them (none when that is negative) and gets the
            // ellipsis. A negative length is shorter than every string, the empty one included.
            if length >= 0 {
                let cut = s.index(s.startIndex, offsetBy: length, limitedBy: s.endIndex)
                if cut == nil || cut == s.endIndex { return .string(s) }
            }
            let ellipsisLength = ellipsis.count
            let keep = length > ellipsisLength ? length - ellipsisLength : 0
            return .string(String(s.prefix(keep)) + ellipsis)
        },
        Filter("truncatewords", arguments: 0...2) { v, a, _ in
            let s = str(v)
            var count = try int(a[0], "number of words", default: 15)
            if count <= 0 { count = 1 }
            let ellipsis = a[1].map(str) ?? "..."
            // Only one word past `count` is needed to know the string is longer.
            let words = StandardFilters.words(s, upTo: saturatingSum(count, 1))
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
        // Constant time except for counting a string's characters, which is charged by its bytes.
        Filter.metered("size") { v, _, context in
            switch v {
            case .string(let s), .safe(let s):
                try context.spend(s.utf8.count)
                return .int(s.characterCount)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int((o["size"]?.intValue) ?? o.count)
            case .range(let lo, let hi): return .int(Value.rangeCount(lo, hi))
            default: return .int(0)
            }
        }.costing(.constant),
        Filter("default", arguments: 0...1, keywords: ["allow_false"]) { v, a, _ in
            let fallback = a[0] ?? .string("")
            let allowFalse = a.keyword("allow_false")?.isTruthy ?? false
            if case .bool(false) = v, allowFalse { return v }
            if !v.isTruthy || v.isEmptyValue { return fallback }
            return v
        }.costing(.constant),
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

    static func replaceFirst(_ s: String, _ pattern: String, _ replacement: String, _ env: Environment) throws -> String {
        if pattern.isEmpty {
            try ensure(bytes: saturatingSum(s.utf8.count, replacement.utf8.count), env)
            return replacement + s
        }
        guard let result = s.replacingOneByte(pattern, with: replacement, last: false, limit: env.limits.valueBytes) else { throw tooLarge(env) }
        return result
    }

    static func replaceLast(_ s: String, _ pattern: String, _ replacement: String, _ env: Environment) throws -> String {
        if pattern.isEmpty {
            try ensure(bytes: saturatingSum(s.utf8.count, replacement.utf8.count), env)
            return s + replacement
        }
        guard let result = s.replacingOneByte(pattern, with: replacement, last: true, limit: env.limits.valueBytes) else { throw tooLarge(env) }
        return result
    }

    /// Ruby's `String#split`: a single space splits on runs of whitespace; an empty pattern splits
    /// into characters; trailing empty strings are dropped. More parts than
    /// ``ResourceLimits/valueItems`` is an error, raised before they are all built.
    static func split(_ s: String, _ pattern: String, _ env: Environment) throws -> [String] {
        if s.isEmpty { return [] }
        let limit = env.limits.valueItems
        var parts: [String]
        if pattern == " " {
            let words = StandardFilters.words(s, upTo: saturatingSum(limit, 1))
            try ensure(items: words.count, env)
            return words.map(String.init)
        } else if pattern.isEmpty {
            parts = []
            for c in s {
                try ensure(items: parts.count + 1, env)
                parts.append(String(c))
            }
        } else {
            guard let p = s.splitBytes(pattern, limit: limit) else { throw FilterError(env.limits.arrayTooLarge, kind: .limitExceeded) }
            parts = p
        }
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts
    }

    /// The first `limit` whitespace-separated words of `s` (what `split(whereSeparator:)` would
    /// give, without reading past them).
    static func words(_ s: String, upTo limit: Int) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        var i = s.startIndex
        while i < s.endIndex, words.count < limit {
            let next = s.index(after: i)
            if s[i].isWhitespace {
                if let w = start {
                    words.append(s[w..<i])
                    start = nil
                }
            } else if start == nil {
                start = i
            }
            i = next
        }
        if let w = start, words.count < limit { words.append(s[w..<s.endIndex]) }
        return words
    }

    /// `s` without the bytes `drop` selects (which must be ASCII, so no character is cut).
    static func removingBytes(_ s: String, _ drop: (UInt8) -> Bool) -> String {
        var copy = s
        return copy.withUTF8 { b in
            guard b.contains(where: drop) else { return s }
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            for c in b where !drop(c) { out.append(c) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func urlEncode(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: "*"):
                out.append(b)
            case UInt8(ascii: " "): out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hexDigits[Int(b >> 4)], hexDigits[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of an ASCII hexadecimal digit.
    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func urlDecode(_ s: String) -> String {
        var bytes: [UInt8] = []
        let src = Array(s.utf8)
        bytes.reserveCapacity(src.count)
        var i = 0
        while i < src.count {
            let b = src[i]
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), i + 2 < src.count, let high = hexValue(src[i + 1]), let low = hexValue(src[i + 2]) {
                bytes.append(high << 4 | low)
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
    /// The replacement between characters and at both ends, as Ruby's `gsub("", replacement)`
    /// does; `nil` when the result would be longer than `limit` bytes (it is never built past that).
    func inserting(_ replacement: String, betweenCharactersUpTo limit: Int) -> String? {
        var out = replacement
        if out.utf8.count > limit { return nil }
        for c in self {
            out.append(c)
            out += replacement
            if out.utf8.count > limit { return nil }
        }
        return out
    }
}
