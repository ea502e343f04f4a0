import Foundation

extension StandardFilters {
    static let html: [Filter] = [
        .unary("escape") { v in v.isNil ? .null : .safe(HTML.escape(str(v))) },
        .unary("h") { v in v.isNil ? .null : .safe(HTML.escape(str(v))) },
        .unary("escape_once") { v in .safe(HTML.escapeOnce(str(v))) },
        .unary("newline_to_br") { v in
            var out = ""
            for scalar in str(v).replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
                if scalar == "\n" { out += "<br />\n" } else { out.unicodeScalars.append(scalar) }
            }
            return .string(out)
        },
        .unary("strip_html") { v in .string(stripHTML(str(v))) },
        /// Marks a value as safe markup: autoescape leaves it alone.
        .unary("safe") { v in .safe(str(v)) },
        .unary("raw") { v in .safe(str(v)) },
    ]

    /// Removes `<script>…</script>` and `<style>…</style>` elements (tag names in any ASCII
    /// case), then `<!-- … -->` comments, then any other `<…>` tag, as the reference
    /// implementation's four non-greedy regular expressions do, one pass each.
    ///
    /// Each pass scans once: a regex engine retries every `<` to the end of the text when nothing
    /// closes it, which is quadratic on input like `<<<<…`.
    static func stripHTML(_ s: String) -> String {
        var bytes = Array(s.utf8)
        guard bytes.contains(UInt8(ascii: "<")) else { return s }
        bytes = removingSpans(bytes, open: Array("<script".utf8), close: Array("</script>".utf8), ignoringCase: true)
        bytes = removingSpans(bytes, open: Array("<style".utf8), close: Array("</style>".utf8), ignoringCase: true)
        bytes = removingSpans(bytes, open: Array("<!--".utf8), close: Array("-->".utf8), ignoringCase: false)
        bytes = removingSpans(bytes, open: [UInt8(ascii: "<")], close: [UInt8(ascii: ">")], ignoringCase: false)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `b` without each span from an `open` to the first `close` after it. When no `close`
    /// follows an `open`, none follows any later one either, so the rest is kept as it is.
    static func removingSpans(_ b: [UInt8], open: [UInt8], close: [UInt8], ignoringCase: Bool) -> [UInt8] {
        func matches(_ pattern: [UInt8], at i: Int) -> Bool {
            guard i + pattern.count <= b.count else { return false }
            for j in 0..<pattern.count {
                let c = b[i + j]
                if c != pattern[j] && !(ignoringCase && c | 0x20 == pattern[j] && pattern[j] >= UInt8(ascii: "a")) { return false }
            }
            return true
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            guard b[i] == open[0], matches(open, at: i) else {
                out.append(b[i])
                i += 1
                continue
            }
            var j = i + open.count
            while j < b.count, !(b[j] == close[0] && matches(close, at: j)) { j += 1 }
            if j >= b.count {
                out.append(contentsOf: b[i...])
                break
            }
            i = j + close.count
        }
        return out
    }
}
