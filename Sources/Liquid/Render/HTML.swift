/// HTML escaping used by the `escape` filters and autoescape.
enum HTML {
    static func escape(_ s: String, into out: inout [UInt8]) {
        if !needsEscape(s) {
            out.append(utf8Of: s)
            return
        }
        for b in s.utf8 { appendEscaped(b, into: &out) }
    }

    @inline(__always) static func appendEscaped(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case UInt8(ascii: "&"): out.append(contentsOf: [38, 97, 109, 112, 59])  // &amp;
        case UInt8(ascii: "<"): out.append(contentsOf: [38, 108, 116, 59])  // &lt;
        case UInt8(ascii: ">"): out.append(contentsOf: [38, 103, 116, 59])  // &gt;
        case UInt8(ascii: "\""): out.append(contentsOf: [38, 113, 117, 111, 116, 59])  // &quot;
        case UInt8(ascii: "'"): out.append(contentsOf: [38, 35, 51, 57, 59])  // &#39;
        default: out.append(b)
        }
    }

    /// Whether any of `& < > " '` occurs (scanning contiguous UTF-8).
    @inline(__always) static func needsEscape(_ s: String) -> Bool {
        var copy = s
        return copy.withUTF8 { b in
            for c in b where c == 38 || c == 60 || c == 62 || c == 34 || c == 39 { return true }
            return false
        }
    }

    static func escape(_ s: String) -> String {
        if !needsEscape(s) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes, leaving existing entities (`&amp;`, `&#39;`, `&#x27;`) alone.
    static func escapeOnce(_ s: String) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "&"), let len = entityLength(bytes, i) {
                out.append(contentsOf: bytes[i..<(i + len)])
                i += len
                continue
            }
            appendEscaped(b, into: &out)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func entityLength(_ b: [UInt8], _ start: Int) -> Int? {
        var i = start + 1
        if i < b.count, b[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < b.count, b[i] == UInt8(ascii: "x") || b[i] == UInt8(ascii: "X") { hex = true; i += 1 }
            let s = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || (hex && ((b[i] | 0x20) >= 97 && (b[i] | 0x20) <= 102)) { i += 1 }
            guard i > s, i < b.count, b[i] == UInt8(ascii: ";") else { return nil }
            return i - start + 1
        }
        let s = i
        while i < b.count, (b[i] | 0x20) >= 97 && (b[i] | 0x20) <= 122 || (i > s && b[i] >= 48 && b[i] <= 57) { i += 1 }
        guard i > s, i < b.count, b[i] == UInt8(ascii: ";") else { return nil }
        return i - start + 1
    }
}
