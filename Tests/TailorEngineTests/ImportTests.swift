import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// The shared data sets: `../shared/data` beside the repository, or `TAILOR_SHARED_DATA`.
let sharedData: URL = {
    if let path = ProcessInfo.processInfo.environment["TAILOR_SHARED_DATA"] { return URL(fileURLWithPath: path) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")
}()

let importClock = ManualClock(ISO8601.parse("2024-01-01T00:00:00Z")!)

func importer(_ db: any TailorDatabase) -> Importer {
    Importer(ingest: IngestService(events: db), products: db, clock: importClock)
}

@Suite("Delimited reader")
struct DelimitedReaderTests {
    @Test func csvQuotesNewlinesAndCRLF() {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"multi\nline\",\n\n3,,z"
        let rows = Array(DelimitedReader(bytes: Array(text.utf8), format: .csv))
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "multi\nline", ""], ["3", "", "z"]])
        #expect(rows.map(\.line) == [1, 2, 3, 6])
    }

    @Test func whitespaceColumns() {
        let text = " customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n00002 19970112 1 12.00"
        let rows = Array(DelimitedReader(bytes: Array(text.utf8), format: .whitespace))
        #expect(rows.map(\.fields) == [["customer_id", "date", "number_of_cds", "dollar_value"], ["00001", "19970101", "1", "11.77"],
                                       ["00002", "19970112", "1", "12.00"]])
    }

    @Test func valuesAndDates() {
        #expect(ImportValues.date("19970101").map(ISO8601.format) == "1997-01-01T00:00:00.000Z")
        #expect(ImportValues.date("2011-03-10 16:16:00").map(ISO8601.format) == "2011-03-10T16:16:00.000Z")
        #expect(ImportValues.date("12/1/2010 8:26").map(ISO8601.format) == "2010-12-01T08:26:00.000Z")
        #expect(ImportValues.date("soon") == nil)
        #expect(ImportValues.scalar("02134") == "02134")
        #expect(ImportValues.scalar("+1 555") == "+1 555")
        #expect(ImportValues.scalar("42.5") == 42.5)
        #expect(ImportValues.scalar("NA") == nil)
        #expect(ImportValues.snakeCase("CustomerID") == "customer_id")
        #expect(ImportValues.snakeCase("First Name") == "first_name")
    }
}

@Suite("Imports")
struct ImportTests {
    @Test func onlineRetailSampleWithItsDocumentedMapping() async throws {
        let file = sharedData.appendingPathComponent("online-retail-sample/online_retail_sample.csv")
        let bytes = Array(try Data(contentsOf: file))
        try await TestDatabase.with(.sqlite) { test in
            let mapping = try ImportMapping.preset("online-retail")
            let report = try await importer(test.database).run(.orders, bytes: bytes, fileName: file.path, mapping: mapping)
            #expect(report.rowsRead == 20_000)
            // 5,078 rows have no customer and 350 are cancellations (some rows are both): all are reported, none imported.
            let missing = report.issues.filter { $0.reason.hasPrefix("missing customer id") }.count
            #expect(missing == 5_078)
            #expect(report.issues.contains { $0.column == "Quantity" && $0.reason.contains("cancellation") })
            #expect(report.rowsAccepted + report.issues.count == 20_000)
            let counts = try await test.database.counts()
            #expect(counts.profiles > 3_000 && counts.profiles <= 3_049)
            // Every accepted line is inside an order: the stored orders carry exactly the accepted lines' value.
            let again = try await importer(test.database).run(.orders, bytes: bytes, fileName: file.path, mapping: mapping)
            #expect(again.stored == 0)
            #expect(again.duplicates == report.messages)
            #expect(try await test.database.counts() == counts)
            // A customer's traits carry the country of their orders.
            let id = try #require(try await test.database.profileIDs(after: nil, limit: 1).first)
            let profile = try #require(try await test.database.profile(.id(id)))
            #expect(profile.traits["country"]?.stringValue != nil)
            #expect(profile.state.orderCount >= 1)
        }
    }

    @Test func onlineRetailOrderTotalsMatchAnIndependentSum() async throws {
        // Recompute, from the raw CSV, the revenue of the customer with the most lines, and compare.
        let file = sharedData.appendingPathComponent("online-retail-sample/online_retail_sample.csv")
        let bytes = Array(try Data(contentsOf: file))
        var rows = Array(DelimitedReader(bytes: bytes, format: .csv))
        rows.removeFirst()
        var perCustomer: [String: (revenue: Double, invoices: Set<String>)] = [:]
        for r in rows where r.fields[6] != "NA" && (Double(r.fields[3]) ?? 0) > 0 {
            var entry = perCustomer[r.fields[6], default: (0, [])]
            entry.revenue += Double(r.fields[3])! * Double(r.fields[5])!
            entry.invoices.insert(r.fields[0])
            perCustomer[r.fields[6]] = entry
        }
        let (customer, expected) = perCustomer.max { $0.value.invoices.count < $1.value.invoices.count }!
        try await TestDatabase.with(.sqlite) { test in
            _ = try await importer(test.database).run(.orders, bytes: bytes, fileName: "x.csv", mapping: try ImportMapping.preset("online-retail"))
            let p = try #require(try await test.database.profile(.identity(Identity(.user, customer))))
            #expect(p.state.orderCount == expected.invoices.count)
            #expect(abs(p.state.revenue - expected.revenue) < 0.05 * Double(expected.invoices.count))
        }
    }

    @Test func cdnowMasterLoads() async throws {
        let file = sharedData.appendingPathComponent("cdnow/CDNOW_master.txt")
        let bytes = Array(try Data(contentsOf: file))
        try await TestDatabase.with(.sqlite) { test in
            let report = try await importer(test.database).run(.orders, bytes: bytes, fileName: file.path, mapping: try ImportMapping.preset("cdnow"))
            #expect(report.rowsRead == 69_659)
            #expect(report.issues.isEmpty)
            #expect(report.stored == 69_659)
            let counts = try await test.database.counts()
            #expect(counts.profiles == 23_570)
            #expect(counts.events == 69_659)
            let first = try #require(try await test.database.profile(.identity(Identity(.user, "00001"))))
            #expect(first.state.orderCount == 1)
            #expect(first.state.revenue == 11.77)
            #expect(first.state.lastOrderAt.map(ISO8601.format) == "1997-01-01T00:00:00.000Z")
        }
    }

    @Test func customersWithMappingAndReport() async throws {
        let csv = """
            Customer ID,E-mail,First Name,City,Age,Zip,Loyalty
            c1,ann@example.com,Ann,New York,34,02134,gold
            ,nobody@example.com,No,Paris,20,75001,none
            c3,bob@example.com,Bob,London,41,SW1,silver
            c4,eve@example.com,Eve,Berlin,29,10115,none,extra
            """
        try await TestDatabase.with(.sqlite) { test in
            let mapping = try ImportMapping.parse(["Customer ID=user_id", "E-mail=email"])
            let report = try await importer(test.database).run(.customers, bytes: Array(csv.utf8), fileName: "c.csv", mapping: mapping)
            #expect(report.rowsAccepted == 3)
            #expect(report.issues == [ImportIssue(line: 3, column: "Customer ID", reason: "missing user id; row skipped")])
            let ann = try #require(try await test.database.profile(ProfileReference("email:ann@example.com")!))
            #expect(ann.traits["city"] == "New York")
            #expect(ann.traits["age"] == 34)
            #expect(ann.traits["zip"] == "02134")
            #expect(ann.traits["loyalty"] == "gold")
            #expect(ann.personal.value["first_name"] == "Ann")
            let again = try await importer(test.database).run(.customers, bytes: Array(csv.utf8), fileName: "c.csv", mapping: mapping)
            #expect(again.stored == 0)
            #expect(throws: ImportError.self) {
                _ = try ImportMapping.parse(["nonsense"])
            }
            await #expect(throws: ImportError.self) {
                _ = try await importer(test.database).run(.customers, bytes: Array(csv.utf8), fileName: "c.csv",
                                                          mapping: try ImportMapping.parse(["Nope=user_id"]))
            }
        }
    }

    @Test("a NUL in a row or a line is reported with its place and skipped; the other rows are imported")
    func nulRowsAreSkipped() async throws {
        let csv = "Customer ID,City\nc1,Paris\nc1\u{0},Rome\nc2,Ro\u{0}me\nc3,Oslo\n"
        let orders = "order_id,user_id,timestamp,revenue\no1,c1,2026-01-01,10\no2\u{0},c1,2026-01-02,20\no3,c1,2026-01-03,nan\no4,c1,2026-01-04,inf\n"
        let jsonl = #"""
            {"type":"identify","userId":"c1","messageId":"e1"}
            {"type":"identify","userId":"c1\u0000","messageId":"e2"}
            """#
        try await TestDatabase.with(.sqlite) { test in
            let mapping = try ImportMapping.parse(["Customer ID=user_id"])
            let report = try await importer(test.database).run(.customers, bytes: Array(csv.utf8), fileName: "c.csv", mapping: mapping)
            #expect(report.rowsAccepted == 2)
            #expect(report.issues == [
                ImportIssue(line: 3, column: "Customer ID", reason: "contains the NUL character (U+0000); row skipped"),
                ImportIssue(line: 4, column: "City", reason: "contains the NUL character (U+0000); row skipped"),
            ])
            let c1 = try #require(try await test.database.profile(ProfileReference("user:c1")!))
            #expect(c1.traits["city"] == "Paris")
            let o = try await importer(test.database).run(.orders, bytes: Array(orders.utf8), fileName: "o.csv", mapping: ImportMapping())
            #expect(o.issues == [
                ImportIssue(line: 3, column: "order_id", reason: "contains the NUL character (U+0000); row skipped"),
                ImportIssue(line: 4, column: "revenue", reason: "not a number; row skipped"),
                ImportIssue(line: 5, column: "revenue", reason: "not a number; row skipped"),
            ])
            #expect(try await test.database.profile(ProfileReference("user:c1")!)?.state.orderCount == 1)
            let e = try await importer(test.database).run(.events, bytes: Array(jsonl.utf8), fileName: "e.jsonl", mapping: ImportMapping())
            #expect(e.issues == [ImportIssue(line: 2, column: "userId", reason: "must not contain the NUL character (U+0000)")])
            #expect(try await test.database.counts().profiles == 2)
        }
    }

    @Test func eventsJSONLinesKeepTheirTimestampsAndReportBadLines() async throws {
        let jsonl = """
            {"type":"identify","userId":"u1","traits":{"email":"u1@example.com"},"timestamp":"2023-05-01T10:00:00Z","messageId":"e1"}
            {"type":"track","userId":"u1","event":"Order Completed","properties":{"revenue":30},"timestamp":"2023-05-02T10:00:00Z"}
            {"type":"track","userId":"u1","event":
            {"type":"track","event":"No one"}

            {"type":"page","anonymousId":"a1","name":"Home","timestamp":"2023-05-03T10:00:00Z"}
            """
        try await TestDatabase.with(.sqlite) { test in
            let report = try await importer(test.database).run(.events, bytes: Array(jsonl.utf8), fileName: "e.jsonl", mapping: ImportMapping())
            #expect(report.rowsRead == 5)
            #expect(report.stored == 3)
            #expect(report.issues.map(\.line) == [3, 4])
            let u1 = try #require(try await test.database.profile(ProfileReference("user:u1")!))
            #expect(u1.state.lastOrderAt.map(ISO8601.format) == "2023-05-02T10:00:00.000Z")
            #expect(u1.state.firstSeen.map(ISO8601.format) == "2023-05-01T10:00:00.000Z")
            let again = try await importer(test.database).run(.events, bytes: Array(jsonl.utf8), fileName: "e.jsonl", mapping: ImportMapping())
            #expect(again.stored == 0)
            #expect(again.duplicates == 3)
        }
    }

    @Test func productsUpsertAndReport() async throws {
        let csv = "product_id,name,category,price,in_stock,color\np1,Mug,home,9.5,yes,blue\np2,,home,3,yes,red\np3,Tee,apparel,cheap,no,\np4,Cap,apparel,12,no,black\n"
        try await TestDatabase.with(.sqlite) { test in
            let report = try await importer(test.database).run(.products, bytes: Array(csv.utf8), fileName: "p.csv", mapping: ImportMapping())
            #expect(report.products == 2)
            #expect(report.issues.map(\.line) == [3, 4])
            let products = try await test.database.products()
            #expect(products.map(\.id) == ["p1", "p4"])
            #expect(products[0].attributes["color"] == "blue")
            #expect(products[1].inStock == false)
        }
    }
}
