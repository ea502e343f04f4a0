import Foundation
@testable import TailorMail

/// Helpers shared by the mail test suites.
enum TestSupport {
    static func string(_ bytes: some Sequence<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

    /// Lines of a CRLF text (the final empty piece dropped).
    static func lines(_ bytes: [UInt8]) -> [String] {
        var parts = string(bytes).components(separatedBy: "\r\n")
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// Decodes quoted-printable (test oracle, written from RFC 2045 §6.7).
    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let lines = text.components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            var bytes = Array(line.utf8)
            var soft = false
            if bytes.last == UInt8(ascii: "=") {
                soft = true
                bytes.removeLast()
            }
            var i = 0
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count {
                    let hex = String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self)
                    out.append(UInt8(hex, radix: 16)!)
                    i += 3
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            if !soft && index < lines.count - 1 { out += [0x0D, 0x0A] }
        }
        return out
    }

    /// Decodes a header value made of RFC 2047 B/Q encoded-words and plain text (test oracle).
    static func decodeEncodedWords(_ value: String) -> String {
        // Unfold, then join adjacent encoded-words (whitespace between them is dropped).
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        var result = ""
        var bytes: [UInt8] = []
        var rest = Substring(unfolded)
        var lastWasWord = false
        while !rest.isEmpty {
            if rest.hasPrefix("=?UTF-8?B?"), let end = rest.range(of: "?=") {
                let payload = rest[rest.index(rest.startIndex, offsetBy: 10)..<end.lowerBound]
                bytes += Array(Data(base64Encoded: String(payload))!)
                rest = rest[end.upperBound...]
                lastWasWord = true
                continue
            }
            if lastWasWord, rest.first == " " {
                // whitespace between two encoded-words is ignored
                let afterSpaces = rest.drop(while: { $0 == " " })
                if afterSpaces.hasPrefix("=?") {
                    rest = afterSpaces
                    continue
                }
            }
            result += String(decoding: bytes, as: UTF8.self)
            bytes = []
            result.append(rest.removeFirst())
            lastWasWord = false
        }
        result += String(decoding: bytes, as: UTF8.self)
        return result
    }

    static func address(_ text: String, name: String? = nil) -> MailAddress {
        try! MailAddress(text, name: name)
    }

    /// The repository root (three levels up from this file).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A seeded generator for reproducible boundaries.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
