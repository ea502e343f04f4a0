import Foundation

/// A minimal CSV reader for the model tools' inputs: comma-separated, header row, optional double
/// quotes around fields (with "" for a quote inside), LF or CRLF line ends.
package struct CSVReader: Sendable {
    /// The header's column names.
    package let header: [String]
    /// The data rows, each with as many fields as the header.
    package let rows: [[Substring]]
    /// The file the rows came from, for error context.
    package let path: String

    /// Reads and splits a whole file.
    /// - Throws: ``MLError`` `.io` when unreadable, `.malformedInput` for an empty file or a row
    ///   whose field count differs from the header's.
    package init(path: String) throws(MLError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MLError(.io, "cannot read CSV file", path: path)
        }
        try self.init(text: text, path: path)
    }

    /// Splits CSV text already in memory.
    package init(text: String, path: String = "<memory>") throws(MLError) {
        self.path = path
        // Split on bytes (no grapheme breaking): the separators are ASCII.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? Substring(line.dropLast()) : Substring(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first, !headerLine.isEmpty else { throw MLError(.malformedInput, "CSV file is empty", path: path) }
        header = Self.fields(headerLine).map { String($0).trimmingCharacters(in: .whitespaces) }
        var rows: [[Substring]] = []
        rows.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let f = Self.fields(line)
            guard f.count == header.count else {
                throw MLError(.malformedInput, "row has \(f.count) fields, header has \(header.count)", path: path, line: index + 1)
            }
            rows.append(f)
        }
        self.rows = rows
    }

    /// The index of a column, by case-insensitive name.
    package func column(_ name: String) throws(MLError) -> Int {
        guard let i = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw MLError(.malformedInput, "missing column '\(name)'", path: path, line: 1)
        }
        return i
    }

    /// A column parsed as numbers.
    package func doubles(_ column: Int) throws(MLError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            guard let v = Double(row[column]) ?? Double(row[column].trimmingCharacters(in: .whitespaces)) else {
                throw MLError(.malformedInput, "column '\(header[column])' is not numeric", path: path, line: i + 2)
            }
            out.append(v)
        }
        return out
    }

    private static func fields(_ line: Substring) -> [Substring] {
        guard line.utf8.contains(UInt8(ascii: "\"")) else {
            return line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Substring($0) }
        }
        var result: [Substring] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if ch == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            current.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                inQuotes = true
            } else if ch == "," {
                result.append(Substring(current))
                current = ""
            } else {
                current.append(ch)
            }
        }
        result.append(Substring(current))
        return result
    }
}

/// A table of numbers with named columns, as read from a CSV file by ``NumericTable/read(path:)``.
public struct NumericTable: Sendable {
    /// Column names, from the header row.
    public var columns: [String]
    /// Values, row-major: `values[row * columns.count + column]`.
    public var values: [Double]
    /// Number of rows.
    public var rowCount: Int { columns.isEmpty ? 0 : values.count / columns.count }

    /// Creates a table from row-major values.
    public init(columns: [String], values: [Double]) {
        self.columns = columns
        self.values = values
    }

    /// Reads a CSV file with a header row; every column must be numeric.
    /// - Throws: ``MLError`` with the path and line of the first problem.
    public static func read(path: String) throws(MLError) -> NumericTable {
        let csv = try CSVReader(path: path)
        var columns: [[Double]] = []
        for c in csv.header.indices { columns.append(try csv.doubles(c)) }
        var values: [Double] = []
        values.reserveCapacity(csv.rows.count * csv.header.count)
        for r in csv.rows.indices { for c in columns.indices { values.append(columns[c][r]) } }
        return NumericTable(columns: csv.header, values: values)
    }

    /// The values of one column.
    public func column(_ name: String) throws(MLError) -> [Double] {
        guard let c = columns.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw MLError(.malformedInput, "missing column '\(name)'")
        }
        return stride(from: c, to: values.count, by: columns.count).map { values[$0] }
    }
}
