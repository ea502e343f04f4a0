/// A mailbox: an address (`local@domain`) and an optional display name.
///
/// The address is validated when the value is made: no whitespace, control characters, angle brackets,
/// commas or other characters that could end the address early in a header or an SMTP command. The
/// display name may contain anything; it is quoted or RFC 2047-encoded when the header is written, so a
/// CR or LF in it cannot inject a header.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address, `local@domain`. May contain UTF-8 (then sending needs SMTPUTF8).
    public let address: String
    /// The display name, if any.
    public let name: String?

    /// Makes a mailbox.
    /// - Parameters:
    ///   - address: `local@domain`.
    ///   - name: an optional display name; any text.
    /// - Throws: ``MailError`` with code ``MailError/Code/invalidAddress`` if `address` is malformed.
    public init(_ address: String, name: String? = nil) throws {
        try MailAddress.validate(address)
        self.address = address
        self.name = (name?.isEmpty ?? true) ? nil : name
    }

    /// Parses `Name <local@domain>` or a bare `local@domain`.
    /// - Throws: ``MailError`` (``MailError/Code/invalidAddress``) if it is neither.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = String(trimmed[..<open]).trimmingWhitespace()
            if name.count >= 2 && name.hasPrefix("\"") && name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
            }
            try self.init(address, name: name)
        } else {
            try self.init(trimmed)
        }
    }

    /// The domain part (after the last `@`).
    public var domain: Substring {
        address[address.index(after: address.lastIndex(of: "@")!)...]
    }

    /// Whether the address has non-ASCII characters (and so needs SMTPUTF8).
    public var isInternationalized: Bool { address.utf8.contains { $0 >= 0x80 } }

    /// Always generic: addresses are personal data.
    public var description: String { "MailAddress(<redacted>)" }

    static func validate(_ address: String) throws {
        let bytes = address.utf8
        guard bytes.count <= 254 else {
            throw MailError(.invalidAddress, severity: .permanent, "address longer than 254 octets")
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at != bytes.startIndex,
            bytes.index(after: at) != bytes.endIndex
        else {
            throw MailError(.invalidAddress, severity: .permanent, "address needs a local part, an @ and a domain")
        }
        for byte in bytes {
            switch byte {
            case 0x00...0x20, 0x7F, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: ":"):
                throw MailError(.invalidAddress, severity: .permanent, "address contains a forbidden character")
            default: continue
            }
        }
        let domain = bytes[bytes.index(after: at)...]
        if domain.contains(UInt8(ascii: "@")) || domain.first == UInt8(ascii: ".") || domain.last == UInt8(ascii: ".") {
            throw MailError(.invalidAddress, severity: .permanent, "malformed domain")
        }
    }

    /// Appends `name <address>` (or the bare address) to a header. Returns the new column.
    func appendMailbox(column: Int, into out: inout [UInt8]) -> Int {
        guard let name else {
            out.append(contentsOf: address.utf8)
            return column + address.utf8.count
        }
        var column = HeaderWriter.appendPhrase(name, column: column, into: &out)
        if column + 2 + address.utf8.count + 1 > HeaderWriter.softLimit && column > 0 {
            out.append(contentsOf: crlf)
            column = 0
        }
        out.append(contentsOf: " <".utf8)
        out.append(contentsOf: address.utf8)
        out.append(UInt8(ascii: ">"))
        return column + 3 + address.utf8.count
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}
