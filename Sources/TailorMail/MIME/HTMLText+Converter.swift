// MARK: - What each element means for the text

extension HTMLText {
    /// Reads the tokens and tells the ``Writer`` what they mean: breaks for blocks, markers for list
    /// items, link targets, image text, and nothing for what a reader does not see.
    struct Converter {
        private var tokenizer: Tokenizer
        private var writer: Writer
        private var bytes: UnsafeBufferPointer<UInt8> { tokenizer.bytes }

        /// In `<head>` (or a `template`): nothing is shown until it ends.
        private var inHead = false
        private var templateDepth = 0
        private var preDepth = 0
        private var inHeading = false
        /// A line break right after `<pre>` is not content (HTML §13.2.6.4.7).
        private var skipNewline = false
        private var lists: [List] = []
        /// The target of the open link, as shown.
        private var link: [UInt8]?

        private struct List {
            var ordered: Bool
            var next: Int
            /// The writer's indentation outside the list.
            var outerIndent: Int
            /// The indentation of the list's items before their marker.
            var markerIndent: Int
        }

        init(_ bytes: UnsafeBufferPointer<UInt8>, lineWidth: Int) {
            tokenizer = Tokenizer(bytes)
            writer = Writer(lineWidth: lineWidth, capacity: bytes.count / 3 + 64)
        }

        /// Converts the whole input; returns the text's UTF-8 bytes.
        mutating func run() -> [UInt8] {
            while let token = tokenizer.next() {
                switch token {
                case .text(let range):
                    text(range)
                case .startTag(let tag, let attributes):
                    skipNewline = false
                    start(tag, attributes: attributes)
                case .endTag(let tag):
                    skipNewline = false
                    end(tag)
                }
            }
            if let target = link { writer.endLink(target: target) }
            return writer.finish()
        }

        // MARK: Tags

        private var hidden: Bool { inHead || templateDepth > 0 }

        private mutating func start(_ tag: Tag, attributes: Range<Int>) {
            if templateDepth > 0 {
                if tag == .template { templateDepth += 1 }
                return
            }
            if inHead {
                if tag.belongsInHead {
                    if tag == .template { templateDepth = 1 }
                    return
                }
                inHead = false
            }
            switch tag {
            case .head:
                inHead = true
            case .template:
                templateDepth = 1
            case .inline, .html, .body, .meta, .link, .base, .rawText:
                break
            case .br:
                writer.lineBreak()
            case .p, .hr, .dl:
                writer.requestBreak(2)
            case .h1, .h2, .h3, .h4, .h5, .h6:
                writer.requestBreak(2)
                inHeading = true
                writer.beginHeading(underline: tag == .h1 ? UInt8(ascii: "=") : tag == .h2 ? UInt8(ascii: "-") : 0)
            case .blockquote:
                writer.requestBreak(2)
                writer.quoteDepth += 1
            case .pre:
                writer.requestBreak(2)
                preDepth += 1
                writer.preformatted = true
                skipNewline = true
            case .block:
                writer.requestBreak(1)
            case .ul, .ol:
                writer.requestBreak(lists.isEmpty ? 2 : 1)
                var first = 1
                if tag == .ol, let value = tokenizer.attribute("start", in: attributes), let number = Converter.leadingInteger(value) {
                    first = number
                }
                // Deeper than the indentation limit, lists share the innermost indentation.
                let markerIndent = min(writer.indent, Writer.maximumIndent - 4)
                lists.append(List(ordered: tag == .ol, next: first, outerIndent: writer.indent, markerIndent: markerIndent))
                writer.indent = markerIndent + 2
            case .li:
                writer.requestBreak(1)
                listItem()
            case .td, .th:
                writer.space()
            case .a:
                if let target = link { writer.endLink(target: target) }
                link = tokenizer.attribute("href", in: attributes).flatMap(Converter.shownTarget)
                if link != nil { writer.beginLink() }
            case .img:
                image(attributes)
            }
        }

        private mutating func end(_ tag: Tag) {
            if templateDepth > 0 {
                if tag == .template { templateDepth -= 1 }
                return
            }
            if inHead {
                if tag == .head || tag == .body || tag == .html || !tag.belongsInHead { inHead = false }
                return
            }
            switch tag {
            case .inline, .html, .body, .head, .template, .meta, .link, .base, .rawText, .img, .hr:
                break
            case .br:
                writer.lineBreak()  // `</br>` is read as `<br>`.
            case .p, .dl:
                writer.requestBreak(2)
            // End tags of elements that are not open are ignored, as browsers do.
            case .h1, .h2, .h3, .h4, .h5, .h6:
                guard inHeading else { return }
                inHeading = false
                writer.endHeading()
                writer.requestBreak(2)
            case .blockquote:
                guard writer.quoteDepth > 0 else { return }
                writer.requestBreak(2)
                writer.quoteDepth -= 1
            case .pre:
                guard preDepth > 0 else { return }
                writer.requestBreak(2)
                preDepth -= 1
                writer.preformatted = preDepth > 0
            case .block:
                writer.requestBreak(1)
            case .li:
                writer.requestBreak(1)
                writer.pendingMarker = nil  // an empty item shows nothing
            case .ul, .ol:
                guard let list = lists.popLast() else { return }
                writer.indent = list.outerIndent
                writer.pendingMarker = nil
                writer.requestBreak(lists.isEmpty ? 2 : 1)
            case .td, .th:
                writer.space()
            case .a:
                if let target = link { writer.endLink(target: target) }
                link = nil
            }
        }

        private mutating func listItem() {
            guard let list = lists.last else {
                writer.pendingMarker = Array("- ".utf8)
                return
            }
            var marker = Array("- ".utf8)
            if list.ordered {
                marker = Array("\(list.next). ".utf8)
                lists[lists.count - 1].next = list.next &+ 1
            }
            writer.indent = list.markerIndent + marker.count
            writer.pendingMarker = marker
        }

        private mutating func image(_ attributes: Range<Int>) {
            for dimension: StaticString in ["width", "height"] {
                if let value = tokenizer.attribute(dimension, in: attributes), let pixels = Converter.leadingInteger(value), pixels <= 1 {
                    return
                }
            }
            guard let alt = tokenizer.attribute("alt", in: attributes) else { return }
            // Words separated by white space or no-break spaces (U+00A0, as from `&nbsp;`).
            writer.space()
            var start = 0
            var index = 0
            while index <= alt.count {
                let separator = index == alt.count ? 1 : Converter.spaceLength(alt, at: index)
                guard separator > 0 else {
                    index += 1
                    continue
                }
                if index > start {
                    writer.append(alt[start..<index])
                    writer.space()
                }
                index += separator
                start = index
            }
        }

        /// How many bytes of white space or no-break space (U+00A0) start at `index`.
        private static func spaceLength(_ bytes: [UInt8], at index: Int) -> Int {
            if isSpace(bytes[index]) { return 1 }
            return bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 ? 2 : 0
        }

        // MARK: Text

        /// Passes text on: runs of plain bytes as they are, white space collapsed (or kept in `pre`),
        /// character references and the characters a browser does not show as written decoded.
        private mutating func text(_ range: Range<Int>) {
            var index = range.lowerBound
            let end = range.upperBound
            if hidden {
                // Text that is not white space ends an unclosed `<head>` (but not a `template`).
                guard templateDepth == 0, let first = bytes[range].firstIndex(where: { !isSpace($0) }) else { return }
                inHead = false
                index = first
            }
            if skipNewline && preDepth > 0 {
                if index < end && bytes[index] == 0x0D { index += 1 }
                if index < end && bytes[index] == 0x0A { index += 1 }
            }
            skipNewline = false
            var runStart = index
            while index < end {
                let byte = bytes[index]
                // Most bytes are plain: printable ASCII other than "&", and most of UTF-8.
                if byte > 0x20 && byte != UInt8(ascii: "&") && (byte < 0xC2 || !Converter.mayStartSpecial(byte)) {
                    index += 1
                    continue
                }
                var special: (scalar: UInt32, length: Int)?
                if byte >= 0xC2 {
                    let decoded = Converter.scalar(in: bytes, at: index, end: end)
                    guard Converter.isSpecial(decoded.0) else {
                        index += decoded.1
                        continue
                    }
                    special = decoded
                }
                if index > runStart { writer.append(bytes[runStart..<index]) }
                if let special {
                    writer.append(scalar: special.scalar)
                    index += special.length
                } else if byte == UInt8(ascii: "&") {
                    if let (scalar, length) = Entities.decode(bytes, at: index, end: end, inAttribute: false) {
                        writer.append(scalar: scalar)
                        index += length
                    } else {
                        writer.append(bytes[index..<(index + 1)])
                        index += 1
                    }
                } else if writer.preformatted {
                    if byte == 0x0D || byte == 0x0A {
                        writer.preformattedNewline()
                        index += (byte == 0x0D && index + 1 < end && bytes[index + 1] == 0x0A) ? 2 : 1
                    } else {
                        if byte == 0x20 || byte == 0x09 { writer.preformattedSpace(byte) }
                        index += 1
                    }
                } else {
                    if isSpace(byte) { writer.space() }  // other controls are not shown
                    index += 1
                }
                runStart = index
            }
            if end > runStart { writer.append(bytes[runStart..<end]) }
        }

        /// Lead bytes of the special characters: U+00A0, U+00AD (C2), U+034F (CD), U+2007, U+200B,
        /// U+200C, U+202F, U+2060 (E2), U+FEFF (EF).
        @inline(__always) private static func mayStartSpecial(_ byte: UInt8) -> Bool {
            byte == 0xC2 || byte == 0xCD || byte == 0xE2 || byte == 0xEF
        }

        private static func isSpecial(_ scalar: UInt32) -> Bool {
            switch scalar {
            case 0xA0, 0xAD, 0x34F, 0x2007, 0x200B, 0x200C, 0x202F, 0x2060, 0xFEFF: return true
            default: return false
            }
        }

        /// The code point of the (valid, since it comes from a `String`) UTF-8 sequence at `index`.
        private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (UInt32, Int) {
            let lead = UInt32(bytes[index])
            if lead < 0xE0, index + 1 < end {
                return ((lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
            }
            if lead < 0xF0, index + 2 < end {
                return ((lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F), 3)
            }
            return (0, 1)
        }
    }
}
