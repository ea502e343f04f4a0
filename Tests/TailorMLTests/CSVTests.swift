import Foundation
import Testing

@testable import TailorML

@Suite("CSV inputs")
struct CSVTests {
    @Test func splitsQuotedFieldsAndLineEnds() throws {
        let csv = try CSVReader(text: "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\n4,5,6\n")
        #expect(csv.header == ["a", "b", "c"])
        #expect(csv.rows.count == 2)
        #expect(csv.rows[0][1] == "x, \"y\"")
        #expect(try csv.doubles(try csv.column("C")) == [3, 6])
        #expect(throws: MLError.self) { try csv.doubles(1) }
        #expect(throws: MLError.self) { try csv.column("missing") }
    }

    @Test func reportsLineOfMalformedRow() {
        #expect {
            try CSVReader(text: "a,b\n1,2\n3\n", path: "f.csv")
        } throws: { error in
            guard let e = error as? MLError else { return false }
            return e.kind == .malformedInput && e.line == 3 && e.path == "f.csv" && e.description.contains("f.csv:3")
        }
        #expect(throws: MLError.self) { try CSVReader(text: "") }
    }

    @Test func numericTableAndSummaries() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "ID,frequency,recency,T\n1,2,30.43,38.86\n2,0,0,38.86\n".write(to: url, atomically: true, encoding: .utf8)
        let table = try NumericTable.read(path: url.path)
        #expect(table.rowCount == 2 && table.columns.count == 4)
        #expect(try table.column("recency") == [30.43, 0])
        let summaries = try CustomerSummary.read(path: url.path)
        #expect(summaries == [CustomerSummary(frequency: 2, recency: 30.43, age: 38.86), CustomerSummary(frequency: 0, recency: 0, age: 38.86)])
        #expect(throws: MLError.self) { try NumericTable.read(path: "/nonexistent/file.csv") }
    }
}
