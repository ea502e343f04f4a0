import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command the client sends.
public enum SMTPCommand: Sendable, Hashable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH PLAIN <initial response>` (already base64).
    case authPlain(String)
    /// `AUTH LOGIN`.
    case authLogin
    /// A base64 line answering a 334 challenge.
    case authResponse(String)
    case mailFrom(String, size: Int?, eightBitMIME: Bool, smtpUTF8: Bool)
    case rcptTo(String)
    case data
    case reset
    case quit
    case noop

    /// The stage this command belongs to, for error context.
    public var stage: SMTPStage {
        switch self {
        case .ehlo: .ehlo
        case .helo: .helo
        case .startTLS: .startTLS
        case .authPlain, .authLogin, .authResponse: .auth
        case .mailFrom: .mailFrom
        case .rcptTo: .rcptTo
        case .data: .data
        case .reset: .reset
        case .quit: .quit
        case .noop: .greeting
        }
    }

    /// Appends the command line, CRLF included.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .ehlo(let name): out.append(contentsOf: "EHLO \(name)".utf8)
        case .helo(let name): out.append(contentsOf: "HELO \(name)".utf8)
        case .startTLS: out.append(contentsOf: "STARTTLS".utf8)
        case .authPlain(let initial): out.append(contentsOf: "AUTH PLAIN \(initial)".utf8)
        case .authLogin: out.append(contentsOf: "AUTH LOGIN".utf8)
        case .authResponse(let line): out.append(contentsOf: line.utf8)
        case .mailFrom(let sender, let size, let eightBit, let utf8):
            out.append(contentsOf: "MAIL FROM:<".utf8)
            out.append(contentsOf: sender.utf8)
            out.append(UInt8(ascii: ">"))
            if let size { out.append(contentsOf: " SIZE=\(size)".utf8) }
            if eightBit { out.append(contentsOf: " BODY=8BITMIME".utf8) }
            if utf8 { out.append(contentsOf: " SMTPUTF8".utf8) }
        case .rcptTo(let recipient):
            out.append(contentsOf: "RCPT TO:<".utf8)
            out.append(contentsOf: recipient.utf8)
            out.append(UInt8(ascii: ">"))
        case .data: out.append(contentsOf: "DATA".utf8)
        case .reset: out.append(contentsOf: "RSET".utf8)
        case .quit: out.append(contentsOf: "QUIT".utf8)
        case .noop: out.append(contentsOf: "NOOP".utf8)
        }
        out.append(contentsOf: crlf)
    }
}

/// RFC 5321 §4.5.2 transparency: a line starting with "." gets one more, and the data ends with
/// `CRLF . CRLF`.
public enum SMTPDotStuffing {
    /// Appends `message` dot-stuffed and terminated, ensuring it ends with CRLF before the final dot.
    public static func append(_ message: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + message.count + 64)
        var lineStart = true
        var runStart = 0
        var index = 0
        let count = message.count
        while index < count {
            let byte = message[index]
            if lineStart && byte == 0x2E {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: message[runStart..<index]))
                out.append(0x2E)
                runStart = index
            }
            lineStart = byte == 0x0A
            index += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: message[runStart..<count]))
        if count >= 2 && message[count - 2] == 0x0D && message[count - 1] == 0x0A {
            out.append(contentsOf: ".\r\n".utf8)
        } else if count == 0 {
            out.append(contentsOf: ".\r\n".utf8)
        } else {
            out.append(contentsOf: "\r\n.\r\n".utf8)
        }
    }

    /// Appends `message` dot-stuffed and terminated to a NIO buffer: the bytes go straight to the
    /// buffer the socket writes from, and line starts are found with `memchr` rather than octet by octet.
    static func append(_ message: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer) {
        out.reserveCapacity(minimumWritableBytes: message.count + 64)
        let count = message.count
        guard let base = message.baseAddress, count > 0 else {
            out.writeStaticString(".\r\n")
            return
        }
        // A dot at the very start is a line start too.
        var runStart = 0
        if base[0] == 0x2E { out.writeInteger(UInt8(0x2E)) }
        var searchFrom = 0
        while searchFrom < count, let found = memchr(base + searchFrom, 0x0A, count - searchFrom) {
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let next = newline + 1
            if next < count && base[next] == 0x2E {
                out.writeBytes(UnsafeRawBufferPointer(start: base + runStart, count: next - runStart))
                out.writeInteger(UInt8(0x2E))
                runStart = next
            }
            searchFrom = next
        }
        out.writeBytes(UnsafeRawBufferPointer(start: base + runStart, count: count - runStart))
        if count >= 2 && base[count - 2] == 0x0D && base[count - 1] == 0x0A {
            out.writeStaticString(".\r\n")
        } else {
            out.writeStaticString("\r\n.\r\n")
        }
    }

    /// Dot-stuffs and terminates `message`.
    public static func stuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        message.withUnsafeBufferPointer { append($0, into: &out) }
        return out
    }
}
