// MARK: - Byte-level helpers

extension HTMLText {
    /// The next position of one byte at or after a position, remembered: when positions only move
    /// forward, all searches for one byte together read the input once.
    struct NextByte {
        let byte: UInt8
        /// The answer last found, valid for any position in `searchedFrom...found`.
        private var searchedFrom = Int.max
        private var found = -1

        init(_ byte: UInt8) { self.byte = byte }

        /// The index of the first `byte` at or after `index`, or `bytes.count` when there is none.
        mutating func next(in bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
            if index >= searchedFrom && index <= found { return found }
            var position = max(index, 0)
            while position < bytes.count && bytes[position] != byte { position += 1 }
            searchedFrom = index
            found = position
            return position
        }
    }

    /// An ASCII letter.
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    /// HTML's ASCII white space: space, tab, LF, FF, CR.
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    /// Appends a code point as UTF-8.
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x1_0000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
