// MARK: - Splitting HTML into text and tags

extension HTMLText {
    /// Reads HTML as runs of text and tags, the way a browser's tokenizer does for what mail contains,
    /// in one forward pass.
    ///
    /// Every search only moves forward: the next `>`, `"` and `'` are remembered (``NextByte``), and a
    /// quoted attribute value only counts as closed when a `>` follows its closing quote, so that no
    /// tag is ever read twice. Comments, doctypes and the content of raw-text elements (`script`,
    /// `style`, `title`, …) are skipped here and never reach the converter.
    struct Tokenizer {
        enum Token {
            /// Text with its character references still in it.
            case text(Range<Int>)
            /// A start tag; `attributes` runs from after the name to before the `>`.
            case startTag(Tag, attributes: Range<Int>)
            case endTag(Tag)
        }

        let bytes: UnsafeBufferPointer<UInt8>
        private(set) var position = 0
        private var greaterThan: NextByte
        private var doubleQuote: NextByte
        private var singleQuote: NextByte
        /// The last `>` of the input (`-1` when there is none): a quote after it closes nothing.
        private let lastGreaterThan: Int

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            greaterThan = NextByte(UInt8(ascii: ">"))
            doubleQuote = NextByte(UInt8(ascii: "\""))
            singleQuote = NextByte(UInt8(ascii: "'"))
            var last = bytes.count - 1
            while last >= 0 && bytes[last] != UInt8(ascii: ">") { last -= 1 }
            lastGreaterThan = last
        }

        /// The next token, or `nil` at the end of the input.
        mutating func next() -> Token? {
            let count = bytes.count
            while position < count {
                if bytes[position] != UInt8(ascii: "<") || !startsMarkup(at: position) {
                    let start = position
                    position = endOfText(from: position + 1)
                    return .text(start..<position)
                }
                if let token = markup() { return token }
            }
            return nil
        }

        // MARK: Text

        /// Where the text that continues at `index` ends: at the next `<` that starts markup.
        private mutating func endOfText(from index: Int) -> Int {
            var index = index
            let count = bytes.count
            while index < count {
                if bytes[index] == UInt8(ascii: "<") && startsMarkup(at: index) { return index }
                index += 1
            }
            return count
        }

        /// Whether the `<` at `index` starts a tag, a comment or a declaration (otherwise it is text).
        private mutating func startsMarkup(at index: Int) -> Bool {
            guard index + 1 < bytes.count else { return false }
            let next = bytes[index + 1]
            if isLetter(next) { return greaterThan.next(in: bytes, from: index + 2) < bytes.count }
            return next == UInt8(ascii: "/") || next == UInt8(ascii: "!") || next == UInt8(ascii: "?")
        }

        // MARK: Markup

        /// Reads the markup at `position` (a `<` that starts some). Returns a tag, or `nil` for markup
        /// that means nothing for text (comments, doctypes, skipped elements).
        private mutating func markup() -> Token? {
            let count = bytes.count
            let start = position
            let next = bytes[start + 1]
            if isLetter(next) {
                let nameEnd = endOfName(from: start + 2)
                let tagEnd = endOfTag(from: nameEnd)
                let tag = Tag(name: bytes[(start + 1)..<nameEnd])
                position = min(tagEnd + 1, count)
                if tag == .rawText {
                    skipRawText(named: (start + 1)..<nameEnd)
                    return nil
                }
                return .startTag(tag, attributes: nameEnd..<tagEnd)
            }
            if next == UInt8(ascii: "/") {
                guard start + 2 < count else {
                    position = count
                    return nil
                }
                let first = bytes[start + 2]
                if isLetter(first) && greaterThan.next(in: bytes, from: start + 3) < count {
                    let nameEnd = endOfName(from: start + 3)
                    let tagEnd = endOfTag(from: nameEnd)
                    position = min(tagEnd + 1, count)
                    return .endTag(Tag(name: bytes[(start + 2)..<nameEnd]))
                }
                // `</>` is nothing; `</ x>`, `</3>` are bogus comments up to the next `>`.
                position = first == UInt8(ascii: ">") ? start + 3 : min(greaterThan.next(in: bytes, from: start + 2) + 1, count)
                return nil
            }
            if next == UInt8(ascii: "!") && start + 3 < count && bytes[start + 2] == UInt8(ascii: "-") && bytes[start + 3] == UInt8(ascii: "-") {
                position = endOfComment(from: start + 4)
                return nil
            }
            // `<!DOCTYPE …>`, `<![endif]>`, `<?xml …?>`: bogus comments up to the next `>`.
            position = min(greaterThan.next(in: bytes, from: start + 2) + 1, count)
            return nil
        }

        /// The end of a tag name: white space, `/` or `>`.
        private func endOfName(from index: Int) -> Int {
            var index = index
            while index < bytes.count {
                let byte = bytes[index]
                if isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") { break }
                index += 1
            }
            return index
        }

        /// The index of the `>` that ends the tag whose attributes start at `index` (the input's count
        /// if there is none). `>` inside a quoted value does not end the tag; a quoted value with no
        /// `>` after its closing quote is unterminated, and runs to the next `>`.
        private mutating func endOfTag(from index: Int) -> Int {
            let count = bytes.count
            var index = index
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") { return index }
                index += 1
                guard byte == UInt8(ascii: "=") else { continue }
                while index < count && isSpace(bytes[index]) { index += 1 }
                guard index < count else { break }
                let quote = bytes[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    let closing =
                        quote == UInt8(ascii: "\"")
                        ? doubleQuote.next(in: bytes, from: index + 1) : singleQuote.next(in: bytes, from: index + 1)
                    if closing < lastGreaterThan {
                        index = closing + 1
                    } else {
                        return greaterThan.next(in: bytes, from: index + 1)
                    }
                } else {
                    while index < count && !isSpace(bytes[index]) && bytes[index] != UInt8(ascii: ">") { index += 1 }
                }
            }
            return count
        }

        /// After `<!--`: the position after `-->` (or `--!>`, or the `>` of `<!-->` and `<!--->`), or
        /// the end of the input for an unclosed comment.
        private func endOfComment(from index: Int) -> Int {
            let count = bytes.count
            if index < count && bytes[index] == UInt8(ascii: ">") { return index + 1 }
            if index + 1 < count && bytes[index] == UInt8(ascii: "-") && bytes[index + 1] == UInt8(ascii: ">") { return index + 2 }
            var index = index
            while index + 2 < count {
                if bytes[index] == UInt8(ascii: "-") && bytes[index + 1] == UInt8(ascii: "-") {
                    if bytes[index + 2] == UInt8(ascii: ">") { return index + 3 }
                    if bytes[index + 2] == UInt8(ascii: "!") && index + 3 < count && bytes[index + 3] == UInt8(ascii: ">") { return index + 4 }
                }
                index += 1
            }
            return count
        }

        /// Skips the content of a raw-text element and its end tag (`</name` followed by white space,
        /// `/` or `>`, any case); an unclosed one hides the rest of the input, as in browsers.
        private mutating func skipRawText(named name: Range<Int>) {
            let count = bytes.count
            var index = position
            while index + 1 < count {
                if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "/") {
                    let nameEnd = index + 2 + name.count
                    if nameEnd <= count && sameNameIgnoringCase(name, (index + 2)..<nameEnd)
                        && (nameEnd == count || isSpace(bytes[nameEnd]) || bytes[nameEnd] == UInt8(ascii: "/") || bytes[nameEnd] == UInt8(ascii: ">"))
                    {
                        position = min(endOfTag(from: nameEnd) + 1, count)
                        return
                    }
                }
                index += 1
            }
            position = count
        }

        private func sameNameIgnoringCase(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
            for (left, right) in zip(lhs, rhs) where bytes[left] | 0x20 != bytes[right] | 0x20 { return false }
            return true
        }
    }
}
