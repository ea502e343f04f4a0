/// Finds the links of an HTML body in one pass over its bytes, as `TrackingLinks.rewrite` needs them: for each
/// `<a` tag (ASCII case-insensitive, the name ending there), the value of its first `href` attribute written
/// `href="…"` or `href='…'` (spaces allowed around `=`) whose value holds no quote of either kind.
enum LinkScanner {
    struct Link {
        /// The value's bytes, quotes excluded.
        var value: Range<Int>
    }

    static func links(in b: [UInt8]) -> [Link] {
        var out: [Link] = []
        var i = 0
        let n = b.count
        while i + 1 < n {
            guard b[i] == UInt8(ascii: "<"), b[i + 1] | 0x20 == UInt8(ascii: "a"), i + 2 < n, !isWord(b[i + 2]) else {
                i += 1
                continue
            }
            // Inside the tag: up to its `>`.
            var j = i + 2
            var found: Link?
            while j < n, b[j] != UInt8(ascii: ">"), found == nil {
                if j + 4 <= n, !isWord(b[j - 1]), lower(b[j]) == UInt8(ascii: "h"), lower(b[j + 1]) == UInt8(ascii: "r"),
                   lower(b[j + 2]) == UInt8(ascii: "e"), lower(b[j + 3]) == UInt8(ascii: "f") {
                    var k = j + 4
                    while k < n, isSpace(b[k]) { k += 1 }
                    if k < n, b[k] == UInt8(ascii: "=") {
                        k += 1
                        while k < n, isSpace(b[k]) { k += 1 }
                        if k < n, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") {
                            let quote = b[k]
                            var e = k + 1
                            while e < n, b[e] != UInt8(ascii: "\""), b[e] != UInt8(ascii: "'") { e += 1 }
                            if e < n, b[e] == quote {
                                found = Link(value: (k + 1)..<e)
                                j = e
                            }
                        }
                    }
                }
                j += 1
            }
            if let found { out.append(found) }
            i = max(j, i + 2)
        }
        return out
    }

    /// Where the last `</body>` starts (ASCII case-insensitive).
    static func lastBodyClose(in b: [UInt8]) -> Int? {
        let tag = Array("</body>".utf8)
        guard b.count >= tag.count else { return nil }
        var i = b.count - tag.count
        while i >= 0 {
            var match = true
            for (k, t) in tag.enumerated() where lower(b[i + k]) != t {
                match = false
                break
            }
            if match { return i }
            i -= 1
        }
        return nil
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 }
    @inline(__always) static func isWord(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80
    }
}
