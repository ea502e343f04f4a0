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
                guard n.count <= h.count else { return nil }
                if n.isEmpty { return last ? h.count : 0 }
                let first = n[0]
                let limit = h.count - n.count
                if last {
                    var i = limit
                    while i >= 0 {
                        if h[i] == first && memeq(h, i, n) { return i }
                        i -= 1
                    }
                } else {
                    var i = 0
                    while i <= limit {
                        if h[i] == first && memeq(h, i, n) { return i }
                        i += 1
                    }
                }
                return nil
            }
        }
    }

    /// Whether `needle` occurs in the string (byte comparison).
    func containsBytes(_ needle: String) -> Bool {
        utf8Offset(of: needle) != nil
    }

    /// Replaces every occurrence of a non-empty `needle`.
    func replacingAllBytes(_ needle: String, with replacement: String) -> String {
        if needle.isEmpty { return self }
        var hay = self
        var pin = needle
        var rep = replacement
        return hay.withUTF8 { h in
            pin.withUTF8 { n in
                rep.withUTF8 { r in
                    var out: [UInt8] = []
                    out.reserveCapacity(h.count)
                    var i = 0
                    var copied = 0
                    let first = n[0]
                    while i + n.count <= h.count {
                        if h[i] == first && memeq(h, i, n) {
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied..<i]))
                            out.append(contentsOf: r)
                            i += n.count
                            copied = i
                        } else {
                            i += 1
                        }
                    }
                    if copied == 0 { return self }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: h[copied..<h.count]))
                    return String(decoding: out, as: UTF8.self)
                }
            }
        }
    }

    /// Replaces the first (or last) occurrence of `needle`.
    func replacingOneByte(_ needle: String, with replacement: String, last: Bool) -> String {
        guard let at = utf8Offset(of: needle, last: last) else { return self }
        let u = Array(utf8)
        let end = at + needle.utf8.count
        return String(decoding: u[..<at] + Array(replacement.utf8) + u[end...], as: UTF8.self)
    }
}

@inline(__always) private func memeq(_ h: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
    var j = 1
    while j < n.count {
        if h[at + j] != n[j] { return false }
        j += 1
    }
    return true
}
