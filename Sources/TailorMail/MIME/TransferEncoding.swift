// Content-Transfer-Encoding writers (RFC 2045 §6.7 quoted-printable, §6.8 base64).
// Both work on bytes and append to a caller-owned buffer: rendering a 30 KB HTML body is on the hot path.

/// How a body part's bytes are written on the wire.
public enum TransferEncoding: String, Sendable, Hashable {
    /// Printable ASCII lines of at most 998 octets, written as they are.
    case sevenBit = "7bit"
    /// RFC 2045 quoted-printable: readable for mostly-ASCII text, lines of at most 76 characters.
    case quotedPrintable = "quoted-printable"
    /// RFC 2045 base64, 76 characters a line.
    case base64 = "base64"
}

private let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
private let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

enum QuotedPrintable {
    /// How the encoder treats each octet: written as it is, white space (literal unless at a line
    /// end), a line break, or `=XX`. A table lookup instead of a chain of comparisons per octet.
    private static let classes: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch byte {
        case 0x20, 0x09: return whiteSpace
        case 0x0D, 0x0A: return lineBreak
        case 0x3D: return escaped
        case 0x21...0x7E: return literal
        default: return escaped
        }
    }
    private static let literal: UInt8 = 0, whiteSpace: UInt8 = 1, lineBreak: UInt8 = 2, escaped: UInt8 = 3

    /// How many leading octets of `word` (little-endian: the first octet is the low byte) are written
    /// as they are (0x20…0x7E except "="), found for the whole word at once: a mask with the high bit
    /// of each octet below 0x20, above 0x7E or equal to 0x3D. The lowest set bit of each test is exact
    /// (borrows and carries only run upwards from an octet that is itself a hit).
    @inline(__always) static func plainPrefix(_ word: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let above = ((word &+ ones) | word) & highs
        let equals = word ^ (ones &* 0x3D)
        let hasEquals = (equals &- ones) & ~equals & highs
        let mask = below | above | hasEquals
        return mask == 0 ? 8 : mask.trailingZeroBitCount >> 3
    }

    /// Appends `input` encoded as quoted-printable. Line breaks in the input (CRLF, LF or CR) become
    /// hard CRLF breaks; other lines are soft-broken with `=` so that no line exceeds 76 characters.
    /// The output ends with CRLF if the input ended with a line break.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Worst case: every octet as =XX (3) plus a soft break (3) every 25 of them.
        let capacity = input.count * 3 + input.count / 8 + 16
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            classes.withUnsafeBufferPointer { classes in
                hexDigits.withUnsafeBufferPointer { hex in
                    var o = 0
                    var lineLength = 0
                    var index = 0
                    let count = input.count
                    let raw = UnsafeRawPointer(input.baseAddress)
                    let output = UnsafeMutableRawPointer(buffer.baseAddress)
                    while index < count {
                        // Up to eight octets at a time: the word is stored whole, and the output
                        // advances over its leading octets that are written as they are (printable
                        // ASCII or spaces, no "=", and not a space right before a line break).
                        if index &+ 8 < count && lineLength &+ 8 <= 75, let raw, let output {
                            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                            var plain = QuotedPrintable.plainPrefix(word)
                            // A space right before a line break is encoded: leave it to the loop below.
                            if plain > 0 && input[index &+ plain &- 1] == 0x20 {
                                let next = input[index &+ plain]
                                if next == 0x0D || next == 0x0A { plain &-= 1 }
                            }
                            if plain > 0 {
                                // In bounds: the capacity allows three octets out per octet in, and
                                // at least nine octets of input remain.
                                output.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
                                o &+= plain
                                lineLength &+= plain
                                index &+= plain
                                if plain == 8 { continue }
                            }
                        }
                        let byte = input[index]
                        let kind = classes[Int(byte)]
                        if kind == literal {
                            // One octet, and a soft break only when the line is full (a line's last
                            // character may use column 76 when a break follows it).
                            if lineLength >= 75 {
                                let next = index &+ 1 < count ? input[index &+ 1] : 0x0A
                                if lineLength >= 76 || !(next == 0x0D || next == 0x0A) {
                                    buffer[o] = 0x3D
                                    buffer[o &+ 1] = 0x0D
                                    buffer[o &+ 2] = 0x0A
                                    o &+= 3
                                    lineLength = 0
                                }
                            }
                            buffer[o] = byte
                            o &+= 1
                            lineLength &+= 1
                            index &+= 1
                            continue
                        }
                        if kind == lineBreak {
                            buffer[o] = 0x0D
                            buffer[o + 1] = 0x0A
                            o += 2
                            lineLength = 0
                            index += (byte == 0x0D && index + 1 < count && input[index + 1] == 0x0A) ? 2 : 1
                            continue
                        }
                        let next = index + 1 < count ? input[index + 1] : 0x0A
                        let atLineEnd = next == 0x0D || next == 0x0A
                        let isLiteral = kind == whiteSpace && !atLineEnd
                        let width = isLiteral ? 1 : 3
                        // Keep room for the soft-break "=" unless this is the line's last character.
                        if lineLength + width > (atLineEnd ? 76 : 75) {
                            buffer[o] = 0x3D
                            buffer[o + 1] = 0x0D
                            buffer[o + 2] = 0x0A
                            o += 3
                            lineLength = 0
                        }
                        if isLiteral {
                            buffer[o] = byte
                            o += 1
                        } else {
                            buffer[o] = 0x3D
                            buffer[o + 1] = hex[Int(byte >> 4)]
                            buffer[o + 2] = hex[Int(byte & 0x0F)]
                            o += 3
                        }
                        lineLength += width
                        index += 1
                    }
                    initialized = o
                }
            }
        }
        out.append(contentsOf: encoded)
    }

    static func encode(_ input: some Collection<UInt8>, into out: inout [UInt8]) {
        if let done: Void = input.withContiguousStorageIfAvailable({ encode($0, into: &out) }) { return done }
        let copy = Array(input)
        copy.withUnsafeBufferPointer { encode($0, into: &out) }
    }
}

enum Base64 {
    /// Appends `input` as base64 without line breaks.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        encode(input, lineLength: Int.max, into: &out)
    }

    /// Appends `input` as base64 broken into CRLF-terminated lines of `lineLength` characters (a multiple
    /// of 4); the last line also ends with CRLF when `lineLength` is finite.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, lineLength: Int, into out: inout [UInt8]) {
        let encodedCount = (input.count + 2) / 3 * 4
        out.reserveCapacity(out.count + encodedCount + (lineLength == Int.max ? 0 : 2 * (encodedCount / lineLength + 1)))
        let groupsPerLine = lineLength == Int.max ? Int.max : lineLength / 4
        var groupsOnLine = 0
        var index = 0
        let count = input.count
        base64Alphabet.withUnsafeBufferPointer { alphabet in
            while index + 3 <= count {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out.append(alphabet[Int(value >> 18 & 0x3F)])
                out.append(alphabet[Int(value >> 12 & 0x3F)])
                out.append(alphabet[Int(value >> 6 & 0x3F)])
                out.append(alphabet[Int(value & 0x3F)])
                index += 3
                groupsOnLine += 1
                if groupsOnLine == groupsPerLine {
                    out.append(0x0D)
                    out.append(0x0A)
                    groupsOnLine = 0
                }
            }
            let remaining = count - index
            if remaining > 0 {
                let value = UInt32(input[index]) << 16 | (remaining == 2 ? UInt32(input[index + 1]) << 8 : 0)
                out.append(alphabet[Int(value >> 18 & 0x3F)])
                out.append(alphabet[Int(value >> 12 & 0x3F)])
                out.append(remaining == 2 ? alphabet[Int(value >> 6 & 0x3F)] : 0x3D)
                out.append(0x3D)
                groupsOnLine += 1
            }
        }
        if groupsPerLine != Int.max && groupsOnLine > 0 {
            out.append(0x0D)
            out.append(0x0A)
        }
    }

    static func encode(_ input: some Collection<UInt8>, lineLength: Int = Int.max, into out: inout [UInt8]) {
        if let done: Void = input.withContiguousStorageIfAvailable({ encode($0, lineLength: lineLength, into: &out) }) {
            return done
        }
        let copy = Array(input)
        copy.withUnsafeBufferPointer { encode($0, lineLength: lineLength, into: &out) }
    }

    static func encodeToString(_ input: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        encode(input, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64 (whitespace ignored); `nil` if malformed.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A: values.append(byte - 0x41)
            case 0x61...0x7A: values.append(byte - 0x61 + 26)
            case 0x30...0x39: values.append(byte - 0x30 + 52)
            case 0x2B: values.append(62)
            case 0x2F: values.append(63)
            case 0x3D: padding += 1
            case 0x20, 0x09, 0x0D, 0x0A: continue
            default: return nil
            }
            if byte != 0x3D && padding > 0 { return nil }
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 4 <= values.count {
            let v = UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12 | UInt32(values[index + 2]) << 6 | UInt32(values[index + 3])
            out.append(UInt8(v >> 16 & 0xFF))
            out.append(UInt8(v >> 8 & 0xFF))
            out.append(UInt8(v & 0xFF))
            index += 4
        }
        let rest = values.count - index
        if rest == 2 {
            let v = UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12
            out.append(UInt8(v >> 16 & 0xFF))
        } else if rest == 3 {
            let v = UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12 | UInt32(values[index + 2]) << 6
            out.append(UInt8(v >> 16 & 0xFF))
            out.append(UInt8(v >> 8 & 0xFF))
        } else if rest == 1 {
            return nil
        }
        return out
    }
}
