/// A message as bytes: the header section and the body, ready to sign and send.
///
/// ``header`` holds the header fields, each ending in CRLF (no blank line); ``body`` is everything after
/// the blank line. A DKIM signer prepends its field with ``prependHeaderField(_:)``.
public struct RenderedMessage: Sendable, Hashable {
    /// The header fields, each (possibly folded) ending with CRLF.
    public var header: [UInt8]
    /// The body, CRLF line endings.
    public var body: [UInt8]

    /// Makes a rendered message from its two sections.
    public init(header: [UInt8], body: [UInt8]) {
        self.header = header
        self.body = body
    }

    /// Splits a complete message (RFC 5322 bytes) at the first empty line. Bare LF line endings are
    /// accepted and turned into CRLF.
    public init(bytes: [UInt8]) {
        let normalized = RenderedMessage.normalizingLineEndings(bytes)
        var index = 0
        let count = normalized.count
        if count >= 2 && normalized[0] == 0x0D && normalized[1] == 0x0A {
            self.init(header: [], body: Array(normalized[2...]))
            return
        }
        while index + 3 < count {
            if normalized[index] == 0x0D && normalized[index + 1] == 0x0A && normalized[index + 2] == 0x0D
                && normalized[index + 3] == 0x0A
            {
                self.init(header: Array(normalized[..<(index + 2)]), body: Array(normalized[(index + 4)...]))
                return
            }
            index += 1
        }
        var header = normalized
        if !(header.suffix(2) == [0x0D, 0x0A]) && !header.isEmpty { header += crlf }
        self.init(header: header, body: [])
    }

    /// The whole message: header, an empty line, body.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    /// Appends the whole message to `out`.
    public func write(into out: inout [UInt8]) {
        out.reserveCapacity(out.count + header.count + 2 + body.count)
        out.append(contentsOf: header)
        out.append(contentsOf: crlf)
        out.append(contentsOf: body)
    }

    /// The total size in octets.
    public var count: Int { header.count + 2 + body.count }

    /// Puts a complete header field (ending in CRLF) before the others.
    public mutating func prependHeaderField(_ field: [UInt8]) {
        header.insert(contentsOf: field, at: 0)
    }

    /// The header fields in order: name and the raw field bytes (name, colon, value, folding; with the
    /// final CRLF).
    public var headerFields: [(name: String, raw: ArraySlice<UInt8>)] {
        var fields: [(name: String, raw: ArraySlice<UInt8>)] = []
        var start = 0
        var index = 0
        let count = header.count
        while index < count {
            if header[index] == 0x0A {
                let next = index + 1
                if next >= count || (header[next] != 0x20 && header[next] != 0x09) {
                    let raw = header[start..<next]
                    let colon = raw.firstIndex(of: 0x3A) ?? raw.endIndex
                    fields.append((String(decoding: header[start..<colon], as: UTF8.self), raw))
                    start = next
                }
            }
            index += 1
        }
        return fields
    }

    /// The unfolded value of the first header field called `name` (case-insensitive), without the
    /// leading space; `nil` if there is none.
    public func headerValue(_ name: String) -> String? {
        let lowered = name.lowercased()
        guard let field = headerFields.first(where: { $0.name.lowercased() == lowered }) else { return nil }
        let value = field.raw[(field.raw.firstIndex(of: 0x3A)! + 1)...].filter { $0 != 0x0D && $0 != 0x0A }
        return String(decoding: value, as: UTF8.self).trimmingWhitespace()
    }

    /// Whether any octet is outside ASCII (the server then needs 8BITMIME or SMTPUTF8).
    public var hasEightBitData: Bool {
        header.contains { $0 >= 0x80 } || body.contains { $0 >= 0x80 }
    }

    static func normalizingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                out.append(0x0D)
                out.append(0x0A)
                index += (index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
            } else if byte == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
                index += 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
