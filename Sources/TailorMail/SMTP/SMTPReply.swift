/// The stage of an SMTP session, for error context.
public enum SMTPStage: String, Sendable, Hashable, CustomStringConvertible {
    case connect, greeting, tlsHandshake = "tls handshake", startTLS = "STARTTLS", ehlo = "EHLO", helo = "HELO"
    case auth = "AUTH", mailFrom = "MAIL FROM", rcptTo = "RCPT TO", data = "DATA", endOfData = "end of data"
    case reset = "RSET", quit = "QUIT"

    public var description: String { rawValue }
}

/// An RFC 3463 enhanced status code, `class.subject.detail` (for example `5.1.1`, bad mailbox).
public struct EnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public var statusClass: Int
    /// The subject (1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 policy).
    public var subject: Int
    /// The detail within the subject.
    public var detail: Int

    /// Makes a code.
    public init(statusClass: Int, subject: Int, detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `x.y.z` at the start of `text`; `nil` if it is not there.
    init?(prefixOf text: Substring) {
        let token = text.prefix { $0 != " " }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let c = Int(parts[0]), [2, 4, 5].contains(c), parts[0].count == 1,
            let s = Int(parts[1]), (1...3).contains(parts[1].count), let d = Int(parts[2]), (1...3).contains(parts[2].count)
        else { return nil }
        self.init(statusClass: c, subject: s, detail: d)
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }
}

/// A complete (possibly multiline) SMTP reply.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit reply code.
    public var code: Int
    /// The enhanced status code of the first line, when the server sends one.
    public var enhancedCode: EnhancedStatusCode?
    /// The text of each line after the code and separator (enhanced code included as sent).
    public var lines: [String]

    /// Makes a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
        if let first = lines.first, let enhanced = EnhancedStatusCode(prefixOf: Substring(first)), enhanced.statusClass == code / 100 {
            self.enhancedCode = enhanced
        } else {
            self.enhancedCode = nil
        }
    }

    /// The reply's broad meaning (RFC 5321 §4.2.1).
    public enum Category: Sendable, Hashable {
        /// 2xx: done.
        case positiveCompletion
        /// 3xx: go on (354 after DATA, 334 during AUTH).
        case positiveIntermediate
        /// 4xx: failed, try again later.
        case transientNegative
        /// 5xx: failed, do not retry as is.
        case permanentNegative
    }

    /// The reply's category from its first digit.
    public var category: Category {
        switch code / 100 {
        case 2: return .positiveCompletion
        case 3: return .positiveIntermediate
        case 4: return .transientNegative
        default: return .permanentNegative
        }
    }

    /// Whether the reply is 2xx.
    public var isSuccess: Bool { code / 100 == 2 }

    /// How a failure with this reply should be treated: 4xx transient, anything else permanent.
    public var severity: MailError.Severity { code / 100 == 4 ? .transient : .permanent }

    /// The text of all lines joined with newlines. May contain addresses: do not log it.
    public var text: String { lines.joined(separator: "\n") }

    /// `code` and enhanced code only (`550 5.1.1`): safe to log.
    public var summary: String { enhancedCode.map { "\(code) \($0)" } ?? "\(code)" }

    /// Same as ``summary``: the text is left out because servers echo addresses in it.
    public var description: String { "SMTPReply(\(summary))" }
}

/// Assembles replies from lines (`250-first`, `250 last`).
struct SMTPReplyParser {
    private var code: Int?
    private var lines: [String] = []

    /// The longest reply line accepted (RFC 5321 says 512; servers send more in EHLO lists).
    static let maximumLineLength = 4096
    /// The most lines accepted in one reply.
    static let maximumLines = 256

    /// Feeds one line (without CRLF); returns the reply when this line completes it.
    mutating func feed(line: some Collection<UInt8>) throws -> SMTPReply? {
        guard line.count >= 3, line.count <= SMTPReplyParser.maximumLineLength else {
            throw MailError(.protocolViolation, severity: .transient, "malformed reply line (length \(line.count))")
        }
        var value = 0
        var index = line.startIndex
        for _ in 0..<3 {
            let byte = line[index]
            guard byte >= 0x30 && byte <= 0x39 else {
                throw MailError(.protocolViolation, severity: .transient, "reply line does not start with a three-digit code")
            }
            value = value * 10 + Int(byte - 0x30)
            index = line.index(after: index)
        }
        guard (200...599).contains(value) else {
            throw MailError(.protocolViolation, severity: .transient, "reply code \(value) is out of range")
        }
        if let code, code != value {
            throw MailError(.protocolViolation, severity: .transient, "multiline reply changed code from \(code) to \(value)")
        }
        var isLast = true
        var textStart = index
        if index != line.endIndex {
            let separator = line[index]
            guard separator == 0x20 || separator == 0x2D else {
                throw MailError(.protocolViolation, severity: .transient, "reply code is not followed by space or hyphen")
            }
            isLast = separator == 0x20
            textStart = line.index(after: index)
        }
        lines.append(String(decoding: line[textStart...], as: UTF8.self))
        guard lines.count <= SMTPReplyParser.maximumLines else {
            throw MailError(.protocolViolation, severity: .transient, "reply has too many lines")
        }
        if isLast {
            let reply = SMTPReply(code: value, lines: lines)
            code = nil
            lines = []
            return reply
        }
        code = value
        return nil
    }
}

/// What the server announced in its EHLO reply.
public struct SMTPCapabilities: Sendable, Hashable {
    /// Extension keywords (uppercase) and their parameters.
    public var extensions: [String: String] = [:]

    /// Makes capabilities from an EHLO reply (the first line is the greeting, the rest keywords).
    public init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            let keyword: Substring
            let parameters: Substring
            if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "=" }) {
                keyword = trimmed[..<space]
                parameters = trimmed[trimmed.index(after: space)...]
            } else {
                keyword = Substring(trimmed)
                parameters = ""
            }
            let key = keyword.uppercased()
            if let existing = extensions[key], !existing.isEmpty {
                extensions[key] = existing + " " + parameters
            } else {
                extensions[key] = String(parameters)
            }
        }
    }

    /// Makes empty capabilities (a HELO session).
    public init() {}

    /// Whether `keyword` was announced.
    public func supports(_ keyword: String) -> Bool { extensions[keyword.uppercased()] != nil }
    /// RFC 1870 SIZE: the largest message accepted, if announced and non-zero.
    public var maximumSize: Int? { extensions["SIZE"].flatMap { Int($0.trimmingWhitespace()) }.flatMap { $0 > 0 ? $0 : nil } }
    /// RFC 2920 PIPELINING.
    public var pipelining: Bool { supports("PIPELINING") }
    /// RFC 3207 STARTTLS.
    public var startTLS: Bool { supports("STARTTLS") }
    /// RFC 6152 8BITMIME.
    public var eightBitMIME: Bool { supports("8BITMIME") }
    /// RFC 6531 SMTPUTF8.
    public var smtpUTF8: Bool { supports("SMTPUTF8") }
    /// RFC 2034 ENHANCEDSTATUSCODES.
    public var enhancedStatusCodes: Bool { supports("ENHANCEDSTATUSCODES") }
    /// RFC 4954 AUTH mechanisms, uppercase.
    public var authMechanisms: Set<String> {
        Set((extensions["AUTH"] ?? "").split(whereSeparator: { $0 == " " || $0 == "=" }).map { $0.uppercased() })
    }
}
