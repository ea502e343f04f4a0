// MARK: - Laying out text

extension HTMLText {
    /// Lays text out in lines: collapses white space, places line breaks and blank lines, prefixes
    /// quoted and listed lines, underlines headings, shortens links, and wraps.
    ///
    /// Breaks are lazy: a block's end only *asks* for a break (``requestBreak(_:)``), and the line is
    /// finished when more text comes. So a break never starts or ends the text, asks for more than one
    /// blank line, or separates a link from the URL that follows its text.
    struct Writer {
        /// Quote levels and list indentation beyond these are not shown, so that the size of the text
        /// stays linear in the size of the HTML, however deep the nesting.
        static let maximumQuoteDepth = 4
        static let maximumIndent = 16

        let lineWidth: Int
        private(set) var out: [UInt8] = []

        // MARK: Context, set by the converter

        /// How many `blockquote`s the next line is in.
        var quoteDepth = 0
        /// The indentation of the next line (list items), in spaces, at most ``maximumIndent``.
        var indent = 0
        /// A list marker (`- `, `3. `) for the next line, in place of the last spaces of its indentation.
        var pendingMarker: [UInt8]?
        /// Whether text is in a `pre`: white space is kept and lines are not wrapped.
        var preformatted = false

        // MARK: The line being written

        /// Its text, not wrapped, without prefix; never starts with a space outside `pre`.
        private var line: [UInt8] = []
        private var lineOpen = false
        private var linePrefix: [UInt8] = []
        /// The prefix of the line's wrapped continuation lines.
        private var lineContinuation: [UInt8] = []
        private var lineWraps = true
        private var lineQuoteDepth = 0
        /// The heading the line started in (0 for none), and the character to underline it with (0 for none).
        private var lineHeading = 0
        private var lineUnderline: UInt8 = 0
        /// How many lines have been finished: identifies the line being written.
        private var finishedLines = 0

        // MARK: What comes before the next text

        /// 0, 1 (a line break) or 2 (a blank line).
        private var pendingBreak = 0
        private var pendingSpace = false
        private var lastLineBlank = false
        private var lastQuoteDepth = 0

        private var openHeading = 0
        private var headingCount = 0
        private var headingUnderline: UInt8 = 0

        private var linkStartPending = false
        /// Where the open link's text starts: the line and the offset in it.
        private var linkStart: (line: Int, offset: Int)?

        init(lineWidth: Int, capacity: Int) {
            self.lineWidth = lineWidth
            out.reserveCapacity(capacity)
        }

        // MARK: Text

        /// Appends text without white space.
        mutating func append(_ bytes: some Collection<UInt8>) {
            guard !bytes.isEmpty else { return }
            beginContent()
            line.append(contentsOf: bytes)
        }

        /// Appends one code point from a character reference or a special literal character, as a
        /// browser shows it (see ``HTMLText`` for the spaces and invisible characters).
        mutating func append(scalar: UInt32) {
            switch scalar {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0xA0, 0x2007, 0x202F:
                if !preformatted {
                    space()
                } else if scalar == 0x0A || scalar == 0x0D {
                    preformattedNewline()
                } else {
                    preformattedSpace(scalar == 0x09 ? 0x09 : 0x20)
                }
            case 0xAD, 0x34F, 0x200B, 0x2060, 0xFEFF, 0..<0x20, 0x7F...0x9F:
                return
            case 0x200C:
                // Kept between letters (Persian, Indic scripts), dropped from preheader padding.
                guard lineOpen, pendingBreak == 0, !pendingSpace, let last = line.last, last >= 0x80 else { return }
                beginContent()
                appendUTF8(scalar, to: &line)
            default:
                beginContent()
                appendUTF8(scalar, to: &line)
            }
        }

        /// White space between words: one space, unless a line starts or ends here.
        mutating func space() {
            pendingSpace = true
        }

        /// A space or tab in `pre`, kept.
        mutating func preformattedSpace(_ byte: UInt8) {
            beginContent()
            line.append(byte)
        }

        /// A line break in `pre`, kept (an empty line becomes a blank line).
        mutating func preformattedNewline() {
            pendingSpace = false
            if lineOpen {
                let emptyLineFollows = pendingBreak > 0
                finishLine()
                pendingBreak = emptyLineFollows ? 2 : 0
            } else {
                pendingBreak = 2
            }
        }

        // MARK: Breaks

        /// Asks for the next text to start on a new line (1) or after a blank line (2).
        mutating func requestBreak(_ newlines: Int) {
            pendingBreak = max(pendingBreak, newlines)
        }

        /// `<br>`: a line break; a second one in a row leaves a blank line.
        mutating func lineBreak() {
            pendingBreak = min(pendingBreak + 1, 2)
        }

        // MARK: Headings and links

        /// Lines started from here to ``endHeading()`` are a heading, underlined with `underline` (0 for no line).
        mutating func beginHeading(underline: UInt8) {
            headingCount += 1
            openHeading = headingCount
            headingUnderline = underline
        }

        mutating func endHeading() {
            openHeading = 0
            headingUnderline = 0
        }

        /// The text from here to ``endLink(target:)`` is a link's.
        mutating func beginLink() {
            linkStartPending = true
            linkStart = nil
        }

        /// Ends a link: appends ` (target)` to its text, or puts `target` in place of its text when that
        /// is the same, or shows `target` alone when the link had no text.
        mutating func endLink(target: [UInt8]) {
            defer {
                linkStartPending = false
                linkStart = nil
            }
            if linkStartPending {
                space()
                append(target)
                space()
                return
            }
            if let start = linkStart, lineOpen, start.line == finishedLines, Writer.sameAddress(line[start.offset...], target) {
                line.removeSubrange(start.offset...)
                line.append(contentsOf: target)
                return
            }
            // Right after the text, even when a block ended inside the link (a "button" table).
            if !lineOpen { beginContent() }
            if !line.isEmpty { line.append(0x20) }
            line.append(UInt8(ascii: "("))
            line.append(contentsOf: target)
            line.append(UInt8(ascii: ")"))
        }

        /// Whether a link's text names its target: equal but for the scheme, a trailing `/` and ASCII case.
        static func sameAddress(_ text: some Collection<UInt8>, _ target: [UInt8]) -> Bool {
            func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
                var bytes = bytes
                for scheme in ["https://", "http://", "mailto:"] where bytes.count >= scheme.utf8.count {
                    if zip(bytes, scheme.utf8).allSatisfy({ ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == $1 }) {
                        bytes = bytes.dropFirst(scheme.utf8.count)
                        break
                    }
                }
                if bytes.last == UInt8(ascii: "/") { bytes = bytes.dropLast() }
                return bytes
            }
            let left = trimmed(ArraySlice(text))
            let right = trimmed(target[...])
            return left.count == right.count
                && zip(left, right).allSatisfy { ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == ($1 &- 0x41 < 26 ? $1 | 0x20 : $1) }
        }

        // MARK: Lines

        /// The text is done: the last line is written.
        mutating func finish() -> [UInt8] {
            openHeading = 0
            if lineOpen { finishLine() }
            return out
        }

        /// Called before anything is added to the line: applies the pending break or space.
        private mutating func beginContent() {
            if lineOpen {
                if pendingBreak > 0 {
                    finishLine()
                    if pendingBreak > 1 { blankLine() }
                    startLine()
                } else if pendingSpace && !line.isEmpty {
                    line.append(0x20)
                }
            } else {
                if pendingBreak > 1 { blankLine() }
                startLine()
            }
            pendingBreak = 0
            pendingSpace = false
            if linkStartPending {
                linkStart = (finishedLines, line.count)
                linkStartPending = false
            }
        }

        private mutating func startLine() {
            // The buffers are reused: most lines have no prefix, and none allocates.
            lineContinuation.removeAll(keepingCapacity: true)
            for _ in 0..<min(quoteDepth, Writer.maximumQuoteDepth) { lineContinuation.append(contentsOf: "> ".utf8) }
            linePrefix.removeAll(keepingCapacity: true)
            linePrefix.append(contentsOf: lineContinuation)
            lineContinuation.append(contentsOf: repeatElement(0x20, count: indent))
            if let marker = pendingMarker {
                linePrefix.append(contentsOf: repeatElement(0x20, count: max(indent - marker.count, 0)))
                linePrefix.append(contentsOf: marker)
                pendingMarker = nil
            } else {
                linePrefix.append(contentsOf: repeatElement(0x20, count: indent))
            }
            lineWraps = !preformatted
            lineQuoteDepth = quoteDepth
            lineHeading = openHeading
            lineUnderline = headingUnderline
            lineOpen = true
        }

        private mutating func finishLine() {
            while let last = line.last, last == 0x20 || last == 0x09 { line.removeLast() }
            if line.isEmpty {
                // Only `pre` opens a line without text: an empty line of preformatted text.
                blankLine()
            } else {
                let widest = writeWrapped()
                if lineUnderline != 0 && lineHeading != openHeading {
                    out.append(contentsOf: lineContinuation)
                    out.append(contentsOf: repeatElement(lineUnderline, count: max(min(widest, lineWidth - lineContinuation.count), 1)))
                    out.append(0x0A)
                }
                lastLineBlank = false
                lastQuoteDepth = lineQuoteDepth
            }
            line.removeAll(keepingCapacity: true)
            lineOpen = false
            finishedLines += 1
        }

        /// A blank line, unless the text is empty so far or already ends with one; inside quotes on
        /// both sides it is a quote line.
        private mutating func blankLine() {
            guard !out.isEmpty, !lastLineBlank else { return }
            let depth = min(lastQuoteDepth, quoteDepth, Writer.maximumQuoteDepth)
            for level in 0..<depth {
                if level > 0 { out.append(0x20) }
                out.append(UInt8(ascii: ">"))
            }
            out.append(0x0A)
            lastLineBlank = true
        }

        /// Writes the line, wrapped at spaces to ``lineWidth``; returns the width of its widest piece.
        private mutating func writeWrapped() -> Int {
            out.append(contentsOf: linePrefix)
            let total = Writer.width(line)
            if !lineWraps || linePrefix.count + total <= lineWidth {
                out.append(contentsOf: line)
                out.append(0x0A)
                return total
            }
            var column = linePrefix.count
            var prefixWidth = column
            var widest = 0
            var hasWord = false
            var start = 0
            let count = line.count
            while start < count {
                var end = start
                while end < count && line[end] != 0x20 { end += 1 }
                if end > start {
                    let word = line[start..<end]
                    let width = Writer.width(word)
                    if hasWord && column + 1 + width > lineWidth {
                        widest = max(widest, column - prefixWidth)
                        out.append(0x0A)
                        out.append(contentsOf: lineContinuation)
                        column = lineContinuation.count
                        prefixWidth = column
                        hasWord = false
                    }
                    if hasWord {
                        out.append(0x20)
                        column += 1
                    }
                    out.append(contentsOf: word)
                    column += width
                    hasWord = true
                }
                start = end + 1
            }
            out.append(0x0A)
            return max(widest, column - prefixWidth)
        }

        /// Width in Unicode scalars: the bytes that are not UTF-8 continuation bytes.
        private static func width(_ bytes: some Collection<UInt8>) -> Int {
            var width = 0
            for byte in bytes where byte & 0xC0 != 0x80 { width += 1 }
            return width
        }
    }
}
