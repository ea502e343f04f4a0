// MARK: - The elements the converter knows

extension HTMLText {
    /// An element name, reduced to what it means for plain text. Unknown names (`span`, `font`, `o:p`) are
    /// ``inline``: their text flows on.
    enum Tag: UInt8 {
        case inline
        case a, img, br, hr
        case p, h1, h2, h3, h4, h5, h6, blockquote, pre, dl
        /// Ends a line without a blank one: `div`, `table`, `tr`, `dt`, `dd`, `caption`, `section` ….
        case block
        case ul, ol, li
        case td, th
        case html, head, body, template
        /// Allowed in `<head>` without ending it (and shown nowhere).
        case meta, link, base
        /// The tokenizer skips the content of these up to their end tag (`script`, `style`, `title`, …).
        case rawText

        /// The tag called `name` (ASCII, any case).
        init(name: UnsafeBufferPointer<UInt8>.SubSequence) {
            guard name.count <= 10 else {
                self = .inline
                return
            }
            var key: UInt128 = 0
            for (shift, byte) in name.enumerated() {
                // ASCII upper case to lower case; other bytes as they are (no known name has them).
                let lower = byte &- 0x41 < 26 ? byte | 0x20 : byte
                key |= UInt128(lower) << (8 * shift)
            }
            self = Tag.byName[key] ?? .inline
        }

        /// Names packed little-endian into an integer, one byte a character.
        private static let byName: [UInt128: Tag] = {
            let names: [(String, Tag)] = [
                ("a", .a), ("img", .img), ("br", .br), ("hr", .hr),
                ("p", .p), ("h1", .h1), ("h2", .h2), ("h3", .h3), ("h4", .h4), ("h5", .h5), ("h6", .h6),
                ("blockquote", .blockquote), ("pre", .pre), ("listing", .pre), ("dl", .dl),
                ("div", .block), ("table", .block), ("tr", .block), ("dt", .block), ("dd", .block), ("caption", .block),
                ("section", .block), ("article", .block), ("header", .block), ("footer", .block), ("nav", .block),
                ("aside", .block), ("main", .block), ("center", .block), ("address", .block), ("figure", .block),
                ("figcaption", .block), ("form", .block), ("fieldset", .block), ("legend", .block), ("details", .block),
                ("summary", .block), ("hgroup", .block), ("menu", .ul),
                ("ul", .ul), ("ol", .ol), ("li", .li), ("td", .td), ("th", .th),
                ("html", .html), ("head", .head), ("body", .body), ("template", .template),
                ("meta", .meta), ("link", .link), ("base", .base),
                ("script", .rawText), ("style", .rawText), ("title", .rawText), ("xml", .rawText), ("iframe", .rawText),
                ("noembed", .rawText), ("noframes", .rawText),
            ]
            var table: [UInt128: Tag] = [:]
            for (name, tag) in names {
                var key: UInt128 = 0
                for (shift, byte) in name.utf8.enumerated() { key |= UInt128(byte) << (8 * shift) }
                table[key] = tag
            }
            return table
        }()

        /// Whether an `h1`…`h6`.
        var isHeading: Bool { self.rawValue >= Tag.h1.rawValue && self.rawValue <= Tag.h6.rawValue }

        /// Whether the element may stand in `<head>` without ending it (a browser ends `<head>` at the
        /// first element that belongs in the body, so an unclosed `<head>` does not hide the message).
        var belongsInHead: Bool {
            switch self {
            case .meta, .link, .base, .rawText, .template, .head, .html: return true
            default: return false
            }
        }
    }
}
