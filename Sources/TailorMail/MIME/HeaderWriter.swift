// Writes header fields safely: RFC 5322 folding, RFC 2047 encoded-words for anything that is not plain
// printable ASCII (so a CR or LF in a subject or display name can never start a new header), quoted
// strings for display names with specials. Lines stay under 78 characters where the content allows
// and always under 998.

enum HeaderWriter {
    /// Soft line limit of RFC 5322 §2.1.1.
    static let softLimit = 78

    /// Appends `Name: value\r\n` for an unstructured value (Subject, custom headers), folding at spaces
    /// or, if the value is not plain ASCII, writing it as UTF-8 encoded-words.
    static func appendUnstructured(name: String, value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(0x3A)
        if value.isEmpty {
            out.append(0x20)
            out.append(contentsOf: crlf)
            return
        }
        if needsEncoding(value) {
            appendEncodedWords(value, startColumn: name.utf8.count + 1, into: &out)
        } else {
            appendFoldedWords(value, startColumn: name.utf8.count + 1, into: &out)
        }
        out.append(contentsOf: crlf)
    }

    /// Whether an unstructured value must be written as encoded-words.
    static func needsEncoding(_ value: String) -> Bool {
        var previous: UInt8 = 0
        var run = 0
        for byte in value.utf8 {
            if byte >= 0x7F || (byte < 0x20 && byte != 0x09) { return true }
            if previous == 0x3D && byte == 0x3F { return true }  // "=?" would read as an encoded-word
            run = (byte == 0x20 || byte == 0x09) ? 0 : run + 1
            if run > 900 { return true }  // a word too long to fold under 998
            previous = byte
        }
        return false
    }

    /// Appends space-separated ASCII `value` (after the colon), folding before a space when a line would
    /// pass 78 characters.
    static func appendFoldedWords(_ value: String, startColumn: Int, into out: inout [UInt8]) {
        var column = startColumn
        var first = true
        for word in value.utf8.split(separator: 0x20, omittingEmptySubsequences: false) {
            if !first && column + 1 + word.count > softLimit && !word.isEmpty && column > 1 {
                out.append(contentsOf: crlf)
                column = 0
            }
            out.append(0x20)
            out.append(contentsOf: word)
            column += 1 + word.count
            first = false
        }
    }

    /// Appends `value` as RFC 2047 "B" encoded-words (` =?UTF-8?B?...?=`), each at most 75 characters,
    /// split only between Unicode scalars, one per folded line after the first.
    static func appendEncodedWords(_ value: String, startColumn: Int, into out: inout [UInt8]) {
        let overhead = 12  // "=?UTF-8?B?" + "?="
        var column = startColumn
        var chunk: [UInt8] = []
        chunk.reserveCapacity(48)

        func capacity(atColumn column: Int) -> Int {
            // Bytes of input that fit in the remaining width, at 4 characters per 3 bytes.
            let width = min(75, softLimit - column - 1) - overhead
            return max(width / 4 * 3, 12)
        }

        func flush() {
            if column > 1 && column + 1 + overhead + (chunk.count + 2) / 3 * 4 > softLimit {
                out.append(contentsOf: crlf)
                column = 0
            }
            out.append(0x20)
            out.append(contentsOf: "=?UTF-8?B?".utf8)
            chunk.withUnsafeBufferPointer { Base64.encode($0, into: &out) }
            out.append(contentsOf: "?=".utf8)
            column += 1 + overhead + (chunk.count + 2) / 3 * 4
            chunk.removeAll(keepingCapacity: true)
        }

        var limit = capacity(atColumn: column)
        for scalar in value.unicodeScalars {
            var encoded: [UInt8] = []
            encoded.reserveCapacity(4)
            UTF8.encode(scalar) { encoded.append($0) }
            if chunk.count + encoded.count > limit {
                flush()
                limit = capacity(atColumn: 1)
            }
            chunk.append(contentsOf: encoded)
        }
        if !chunk.isEmpty { flush() }
    }

    /// Appends a display name as a phrase: atoms as they are, other printable ASCII as a quoted string,
    /// anything else as encoded-words. Returns the new column.
    static func appendPhrase(_ phrase: String, column: Int, into out: inout [UInt8]) -> Int {
        var isAtoms = true
        var isPrintable = true
        for byte in phrase.utf8 {
            if byte >= 0x7F || byte < 0x20 {
                isPrintable = false
                isAtoms = false
                break
            }
            if byte != 0x20 && !isAtext(byte) { isAtoms = false }
        }
        if isPrintable && phrase.utf8.count < 900 && !phrase.contains("=?") {
            let start = out.count
            if isAtoms && !phrase.hasPrefix(" ") && !phrase.hasSuffix(" ") && !phrase.contains("  ") {
                out.append(contentsOf: phrase.utf8)
            } else {
                out.append(0x22)
                for byte in phrase.utf8 {
                    if byte == 0x22 || byte == 0x5C { out.append(0x5C) }
                    out.append(byte)
                }
                out.append(0x22)
            }
            return column + out.count - start
        }
        // Encoded-words; the first one starts with a space which we drop when it begins the phrase.
        var words: [UInt8] = []
        appendEncodedWords(phrase, startColumn: column, into: &words)
        let body = words.first == 0x20 ? words.dropFirst() : words[...]
        out.append(contentsOf: body)
        if let lastBreak = body.lastIndex(of: 0x0A) { return body.endIndex - lastBreak - 1 }
        return column + body.count
    }

    /// RFC 5322 atext.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Appends `Name: a, b, c\r\n` for a list of mailboxes, one fold between entries when needed.
    static func appendAddressList(name: String, _ addresses: [MailAddress], into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(0x3A)
        var column = name.utf8.count + 1
        for (index, address) in addresses.enumerated() {
            var entry: [UInt8] = []
            _ = address.appendMailbox(column: 0, into: &entry)
            let firstLineLength = entry.firstIndex(of: 0x0D) ?? entry.count
            if index > 0 {
                out.append(0x2C)
                column += 1
                if column + 1 + firstLineLength > softLimit {
                    out.append(contentsOf: crlf)
                    column = 0
                }
            }
            out.append(0x20)
            out.append(contentsOf: entry)
            if let lastBreak = entry.lastIndex(of: 0x0A) {
                column = entry.count - lastBreak - 1
            } else {
                column += 1 + entry.count
            }
        }
        out.append(contentsOf: crlf)
    }

    /// Appends a raw, already-validated structured value, folding only before the given break points.
    static func appendStructured(name: String, parts: [String], separator: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(0x3A)
        var column = name.utf8.count + 1
        for (index, part) in parts.enumerated() {
            if index > 0 {
                out.append(contentsOf: separator.utf8)
                column += separator.utf8.count
                if column + 1 + part.utf8.count > softLimit {
                    out.append(contentsOf: crlf)
                    column = 0
                }
            }
            out.append(0x20)
            out.append(contentsOf: part.utf8)
            column += 1 + part.utf8.count
        }
        out.append(contentsOf: crlf)
    }

    /// Whether `name` is a valid header field name (RFC 5322 ftext: printable ASCII except colon).
    static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != 0x3A }
    }
}

let crlf: [UInt8] = [0x0D, 0x0A]
