import Hummingbird
import NIOCore

/// A submitted form (`application/x-www-form-urlencoded`): its fields by name, the last value winning.
struct DashboardForm: Sendable {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// The body of a dashboard POST, at most `limit` bytes (a segment condition is the largest field).
    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> DashboardForm {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as APIError {
            throw error
        } catch {
            throw DashboardError.badRequest("the form is larger than \(limit / 1024) KB")
        }
        return DashboardForm(urlEncoded: String(buffer: buffer))
    }

    init(fields: [String: String]) { self.fields = fields }

    init(urlEncoded text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
        self.fields = fields
    }

    /// `+` is a space, `%XX` a byte; nil when the bytes are not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 < utf8.endIndex,
                      let h2 = utf8.index(h1, offsetBy: 1, limitedBy: utf8.endIndex), h2 < utf8.endIndex,
                      let high = hex(utf8[h1]), let low = hex(utf8[h2]) {
                bytes.append(high << 4 | low)
                i = h2
            } else {
                bytes.append(b)
            }
            i = utf8.index(after: i)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
