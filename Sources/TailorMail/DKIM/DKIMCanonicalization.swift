// RFC 6376 §3.4 "relaxed" canonicalization of header fields and bodies, on bytes.

enum DKIMCanonicalization {
    @inline(__always) static func isWSP(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Relaxed header canonicalization (§3.4.2) of one raw field (name, colon, value, folding, optional
    /// final CRLF): lowercase name, unfolded value, whitespace runs as one space, none around the colon or
    /// at the end. Appends the result followed by CRLF when `terminate` is true.
    static func appendRelaxedHeader(_ raw: some Collection<UInt8>, terminate: Bool, into out: inout [UInt8]) {
        var iterator = raw.makeIterator()
        // Name, lowercased, without whitespace before the colon.
        var pendingNameSpace = 0
        while let byte = iterator.next() {
            if byte == 0x3A { break }
            if isWSP(byte) || byte == 0x0D || byte == 0x0A {
                pendingNameSpace += 1
                continue
            }
            pendingNameSpace = 0
            out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        out.append(0x3A)
        var sawContent = false
        var pendingSpace = false
        while let byte = iterator.next() {
            if byte == 0x0D || byte == 0x0A { continue }
            if isWSP(byte) {
                pendingSpace = sawContent
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            sawContent = true
            out.append(byte)
        }
        if terminate { out.append(contentsOf: crlf) }
    }

    /// Whether relaxed body canonicalization would return `body` unchanged (no tabs, no runs of spaces,
    /// no spaces before a line end, a final CRLF and no empty lines at the end). Rendered bodies
    /// (quoted-printable, base64) usually are, and then the hash is taken without a copy.
    static func relaxedBodyIsUnchanged(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = body.count
        guard count >= 2, body[count - 2] == 0x0D, body[count - 1] == 0x0A else { return false }
        if count >= 4 && body[count - 4] == 0x0D && body[count - 3] == 0x0A { return false }
        if count == 2 { return false }
        // No tab, no space followed by a space or CR (the last octet is LF, so that covers spaces at
        // line ends), checked eight octets at a time: this runs over every 30 KB body that is signed.
        guard let base = body.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var previousIsSpace = false
        var index = 0
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if zeroBytes(word ^ 0x0909_0909_0909_0909) != 0 { return false }
            let spaces = zeroBytes(word ^ 0x2020_2020_2020_2020)
            let followers = spaces | zeroBytes(word ^ 0x0D0D_0D0D_0D0D_0D0D)
            // Byte i of a little-endian word is bits 8i…8i+7: `followers >> 8` lines byte i+1 up with byte i.
            if spaces & (followers >> 8) != 0 || (previousIsSpace && followers & 0x80 != 0) { return false }
            previousIsSpace = spaces & 0x8000_0000_0000_0000 != 0
            index += 8
        }
        while index < count {
            let byte = body[index]
            if byte == 0x09 || (previousIsSpace && (byte == 0x20 || byte == 0x0D)) { return false }
            previousIsSpace = byte == 0x20
            index += 1
        }
        return true
    }

    /// 0x80 in each byte of `x` that is zero, 0 elsewhere (exact: no false positives).
    @inline(__always) private static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// Relaxed body canonicalization (§3.4.4): whitespace runs as one space, none at line ends, no empty
    /// lines at the end, a final CRLF unless the body is empty.
    static func relaxedBody(_ body: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // The output never exceeds the input plus a final CRLF.
        let canonical = [UInt8](unsafeUninitializedCapacity: body.count + 2) { buffer, initialized in
            var o = 0
            var pendingEmptyLines = 0
            var pendingSpace = false
            var lineHasContent = false
            var index = 0
            let count = body.count
            while index < count {
                let byte = body[index]
                if byte == 0x0D && index + 1 < count && body[index + 1] == 0x0A {
                    if lineHasContent {
                        buffer[o] = 0x0D
                        buffer[o + 1] = 0x0A
                        o += 2
                    } else {
                        pendingEmptyLines += 1
                    }
                    lineHasContent = false
                    pendingSpace = false
                    index += 2
                    continue
                }
                if isWSP(byte) {
                    pendingSpace = true
                } else {
                    if !lineHasContent && pendingEmptyLines > 0 {
                        for _ in 0..<pendingEmptyLines {
                            buffer[o] = 0x0D
                            buffer[o + 1] = 0x0A
                            o += 2
                        }
                        pendingEmptyLines = 0
                    }
                    if pendingSpace {
                        buffer[o] = 0x20
                        o += 1
                        pendingSpace = false
                    }
                    buffer[o] = byte
                    o += 1
                    lineHasContent = true
                }
                index += 1
            }
            if lineHasContent {
                buffer[o] = 0x0D
                buffer[o + 1] = 0x0A
                o += 2
            }
            initialized = o
        }
        out.append(contentsOf: canonical)
    }
}
