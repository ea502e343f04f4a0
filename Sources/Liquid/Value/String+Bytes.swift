/// Byte-level (UTF-8) string search and replace, as the reference implementation does: faster than
/// Foundation's bridged versions and exact (no Unicode normalization).
extension String {
    /// `count` (characters), without grapheme breaking when the string is ASCII.
    var characterCount: Int {
        var copy = self
        let ascii = copy.withUTF8 { b -> Bool in
            var any: UInt8 = 0
            for c in b { any |= c }
            return any < 0x80
        }
        return ascii ? utf8.count : count
    }

    /// UTF-8 offset of the first (or last) occurrence of `needle`.
    func utf8Offset(of needle: String, last: Bool = false) -> Int? {
        var hay = self
        var pin = needle
        return hay.withUTF8 { h in
            pin.withUTF8 { n in
                let finder = ByteFinder(n)
                return last ? finder.last(in: h) : finder.first(in: h, from: 0)
            }
        }
    }

    /// Whether `needle` occurs in the string (byte comparison).
    func containsBytes(_ needle: String) -> Bool {
        utf8Offset(of: needle) != nil
    }

    /// Replaces every occurrence of a non-empty `needle`; `nil` when the result would be longer
    /// than `limit` bytes (it is never built past that).
    func replacingAllBytes(_ needle: String, with replacement: String, limit: Int = .max) -> String? {
        if needle.isEmpty { return self }
        var hay = self
        var pin = needle
        var rep = replacement
        return hay.withUTF8 { h in
            pin.withUTF8 { n in
                rep.withUTF8 { r -> String? in
                    let finder = ByteFinder(n)
                    guard var at = finder.first(in: h, from: 0) else { return self }
                    var out: [UInt8] = []
                    out.reserveCapacity(Swift.min(h.count, limit))
                    var copied = 0
                    while true {
                        if out.count &+ (at &- copied) &+ r.count > limit { return nil }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied..<at]))
                        out.append(contentsOf: r)
                        copied = at &+ n.count
                        guard let next = finder.first(in: h, from: copied) else { break }
                        at = next
                    }
                    if out.count &+ (h.count &- copied) > limit { return nil }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied..<h.count]))
                    return String(decoding: out, as: UTF8.self)
                }
            }
        }
    }

    /// Replaces the first (or last) occurrence of `needle`; `nil` when the result would be longer
    /// than `limit` bytes.
    func replacingOneByte(_ needle: String, with replacement: String, last: Bool, limit: Int = .max) -> String? {
        guard let at = utf8Offset(of: needle, last: last) else { return self }
        let u = Array(utf8)
        let end = at + needle.utf8.count
        if u.count &- needle.utf8.count &+ replacement.utf8.count > limit { return nil }
        return String(decoding: u[..<at] + Array(replacement.utf8) + u[end...], as: UTF8.self)
    }

    /// The parts between occurrences of a non-empty `separator`, in order; `nil` when there would
    /// be more than `limit` parts (they are never built past that).
    func splitBytes(_ separator: String, limit: Int) -> [String]? {
        var hay = self
        var pin = separator
        return hay.withUTF8 { h in
            pin.withUTF8 { n -> [String]? in
                let finder = ByteFinder(n)
                var parts: [String] = []
                var start = 0
                while let at = finder.first(in: h, from: start) {
                    if parts.count >= limit { return nil }
                    parts.append(String(decoding: UnsafeBufferPointer(rebasing: h[start..<at]), as: UTF8.self))
                    start = at &+ n.count
                }
                if parts.count >= limit { return nil }
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: h[start..<h.count]), as: UTF8.self))
                return parts
            }
        }
    }
}

/// Finds a byte string in time linear in the text searched, whatever the pattern: short needles by
/// scanning for their first byte and comparing, long ones with Knuth–Morris–Pratt (a plain scan
/// costs the product of the two lengths on inputs such as `aaaa…a` searched for `aaa…ab`, which
/// templates may build).
struct ByteFinder {
    let needle: UnsafeBufferPointer<UInt8>
    /// For each prefix of a long needle, the length of its longest proper prefix that is also a suffix.
    let failure: [Int32]

    /// Needles up to this length are found by direct comparison: at most this many comparisons a byte.
    static let shortNeedle = 32

    init(_ needle: UnsafeBufferPointer<UInt8>) {
        self.needle = needle
        guard needle.count > Self.shortNeedle else {
            failure = []
            return
        }
        var table = [Int32](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<needle.count {
            while k > 0 && needle[i] != needle[k] { k = Int(table[k - 1]) }
            if needle[i] == needle[k] { k += 1 }
            table[i] = Int32(truncatingIfNeeded: k)
        }
        failure = table
    }

    /// The first offset at or after `start` where the needle occurs in `h`.
    func first(in h: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = needle, m = n.count
        guard start >= 0, start <= h.count, m <= h.count - start else { return nil }
        if m == 0 { return start }
        if m <= Self.shortNeedle {
            let head = n[0]
            var i = start
            let limit = h.count - m
            while i <= limit {
                if h[i] == head && matches(h, at: i) { return i }
                i += 1
            }
            return nil
        }
        var k = 0
        var i = start
        while i < h.count {
            while k > 0 && h[i] != n[k] { k = Int(failure[k - 1]) }
            if h[i] == n[k] { k += 1 }
            if k == m { return i - m + 1 }
            i += 1
        }
        return nil
    }

    /// The last offset where the needle occurs in `h`.
    func last(in h: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = needle, m = n.count
        guard m <= h.count else { return nil }
        if m == 0 { return h.count }
        if m <= Self.shortNeedle {
            let head = n[0]
            var i = h.count - m
            while i >= 0 {
                if h[i] == head && matches(h, at: i) { return i }
                i -= 1
            }
            return nil
        }
        // Forward, remembering the last (possibly overlapping) match.
        var found: Int?
        var k = 0
        for i in 0..<h.count {
            while k > 0 && h[i] != n[k] { k = Int(failure[k - 1]) }
            if h[i] == n[k] { k += 1 }
            if k == m {
                found = i - m + 1
                k = Int(failure[m - 1])
            }
        }
        return found
    }

    @inline(__always) private func matches(_ h: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        var j = 1
        while j < needle.count {
            if h[at + j] != needle[j] { return false }
            j += 1
        }
        return true
    }
}
