/// Reads delimited text: RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, newlines inside
/// quotes) or whitespace-separated columns (CDNOW's format). Rows come with their 1-based line number so
/// that a validation report can point at them.
public struct DelimitedReader: Sequence {
    public enum Format: String, Sendable, CaseIterable {
        case csv, tsv, whitespace
    }

    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    let bytes: [UInt8]
    let format: Format

    public init(bytes: [UInt8], format: Format) {
        // A UTF-8 byte order mark is not part of the first column's name.
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.format = format
    }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes, format: format) }

    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        let format: Format
        var index = 0
        var line = 1

        public mutating func next() -> Row? {
            while index < bytes.count {
                let startLine = line
                let fields = format == .whitespace ? readWhitespaceRow() : readDelimitedRow(separator: format == .tsv ? 0x09 : 0x2C)
                if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
                if fields.isEmpty { continue }
                return Row(line: startLine, fields: fields)
            }
            return nil
        }

        mutating func readWhitespaceRow() -> [String] {
            var fields: [String] = []
            var start = -1
            while index < bytes.count {
                let b = bytes[index]
                if b == 0x0A {
                    index += 1
                    line += 1
                    break
                }
                let space = b == 0x20 || b == 0x09 || b == 0x0D
                if space {
                    if start >= 0 {
                        fields.append(String(decoding: bytes[start..<index], as: UTF8.self))
                        start = -1
                    }
                } else if start < 0 {
                    start = index
                }
                index += 1
            }
            if start >= 0 {
                let end = index > 0 && index <= bytes.count && bytes[index - 1] == 0x0A ? index - 1 : index
                fields.append(String(decoding: bytes[start..<end], as: UTF8.self))
            }
            return fields
        }

        mutating func readDelimitedRow(separator: UInt8) -> [String] {
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                if quoted {
                    if b == 0x22 {
                        if index < bytes.count, bytes[index] == 0x22 {
                            field.append(0x22)
                            index += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if b == 0x0A { line += 1 }
                        field.append(b)
                    }
                    continue
                }
                switch b {
                case 0x22 where field.isEmpty && !wasQuoted:
                    quoted = true
                    wasQuoted = true
                case separator:
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    wasQuoted = false
                case 0x0D:
                    continue
                case 0x0A:
                    line += 1
                    fields.append(String(decoding: field, as: UTF8.self))
                    return fields
                default:
                    field.append(b)
                }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            return fields
        }
    }
}
