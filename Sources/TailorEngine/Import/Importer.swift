public import Foundation
public import TailorCore
public import TailorStore

/// What can be imported.
public enum ImportKind: String, Sendable, CaseIterable {
    case customers, orders, products, events, consent
}

/// One problem with one row: where (line, column) and why. Never carries the value.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        column.map { "line \(line), column \($0): \(reason)" } ?? "line \(line): \(reason)"
    }
}

/// The outcome of an import: what was read, stored, skipped as already there, and the rows refused.
public struct ImportReport: Sendable {
    public var rowsRead = 0
    public var rowsAccepted = 0
    public var messages = 0
    public var stored = 0
    public var duplicates = 0
    /// Messages dropped because they name an erased person (docs/PRIVACY.md).
    public var dropped = 0
    public var products = 0
    public var issues: [ImportIssue] = []
}

/// Column mapping: target field → source column. `--map InvoiceNo=order_id` maps a column to a field;
/// columns not mapped keep their own name (snake_cased) as a trait, property or attribute.
public struct ImportMapping: Sendable {
    public var fields: [String: String]
    public var format: DelimitedReader.Format?

    public init(fields: [String: String] = [:], format: DelimitedReader.Format? = nil) {
        self.fields = fields
        self.format = format
    }

    /// Parses `column=field` pairs.
    public static func parse(_ pairs: [String]) throws -> ImportMapping {
        var fields: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ImportError.badMapping("'\(pair)' is not column=field")
            }
            fields[parts[1]] = parts[0]
        }
        return ImportMapping(fields: fields)
    }

    /// The documented mappings for the bundled data sets (docs/IMPORTS.md).
    public static func preset(_ name: String) throws -> ImportMapping {
        switch name {
        case "online-retail":
            return ImportMapping(fields: [
                "order_id": "InvoiceNo", "product_id": "StockCode", "product_name": "Description", "quantity": "Quantity",
                "timestamp": "InvoiceDate", "price": "UnitPrice", "user_id": "CustomerID", "trait.country": "Country",
            ], format: .csv)
        case "cdnow":
            return ImportMapping(fields: [
                "user_id": "customer_id", "timestamp": "date", "quantity": "number_of_cds", "revenue": "dollar_value",
            ], format: .whitespace)
        default:
            throw ImportError.badMapping("unknown preset '\(name)'; known: online-retail, cdnow")
        }
    }

    /// Adds explicit pairs over a preset.
    public func overridden(by other: ImportMapping) -> ImportMapping {
        ImportMapping(fields: fields.merging(other.fields) { _, new in new }, format: other.format ?? format)
    }
}

public enum ImportError: Error, Sendable, CustomStringConvertible {
    case badMapping(String)
    case missingColumn(field: String, column: String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .badMapping(let m): "invalid mapping: \(m)"
        case .missingColumn(let field, let column): "the file has no column '\(column)' (mapped to \(field))"
        case .unreadable(let m): m
        }
    }
}

/// Turns CSV and JSON Lines files into Segment messages and products, and ingests them.
///
/// Imports are idempotent: every message gets an id derived from what it says (the order id, the
/// customer and the row's content, the event line), so importing the same file again stores nothing new.
/// A bad row is reported (line, column, reason) and skipped; the good rows are imported.
public struct Importer: Sendable {
    public var ingest: IngestService
    /// Where product rows go.
    public var products: any ProductStore
    public var clock: any WallClock
    public var batchSize = 1_000
    /// Where consent rows go, and the profiles they name (consent imports only).
    public var consent: ConsentService?

    public init(ingest: IngestService, products: any ProductStore, clock: any WallClock, consent: ConsentService? = nil) {
        self.ingest = ingest
        self.products = products
        self.clock = clock
        self.consent = consent
    }

    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    public func run(_ kind: ImportKind, bytes: [UInt8], fileName: String, mapping: ImportMapping,
                    progress: Progress? = nil) async throws -> ImportReport {
        var report = ImportReport()
        switch kind {
        case .events:
            let messages = parseEvents(bytes, report: &report)
            try await store(messages, report: &report, progress: progress)
        case .customers, .orders, .products, .consent:
            let format = mapping.format ?? Self.format(for: fileName)
            var rows = Array(DelimitedReader(bytes: bytes, format: format))
            guard !rows.isEmpty else { return report }
            let header = rows.removeFirst().fields
            let table = try Table(header: header, mapping: mapping, kind: kind)
            report.rowsRead = rows.count
            rows = withoutNUL(rows, table, report: &report)
            switch kind {
            case .customers:
                try await store(customers(rows, table, report: &report), report: &report, progress: progress)
            case .orders:
                try await store(orders(rows, table, report: &report), report: &report, progress: progress)
            case .consent:
                guard let consent else { throw ImportError.unreadable("consent imports need the consent ledger") }
                let entries = try await consentEntries(rows, table, profiles: consent.profiles, report: &report)
                report.messages = entries.count
                report.stored = try await consent.record(entries)
                report.duplicates = entries.count - report.stored
                progress?(rows.count, rows.count)
            default:
                let products = products(rows, table, report: &report)
                try await self.products.upsertProducts(products)
                report.products = products.count
                progress?(rows.count, rows.count)
            }
        }
        return report
    }

    static func format(for fileName: String) -> DelimitedReader.Format {
        if fileName.hasSuffix(".tsv") { return .tsv }
        if fileName.hasSuffix(".txt") { return .whitespace }
        return .csv
    }

    func store(_ messages: [Message], report: inout ImportReport, progress: Progress?) async throws {
        report.messages = messages.count
        var done = 0
        for start in stride(from: 0, to: messages.count, by: batchSize) {
            let batch = Array(messages[start..<min(start + batchSize, messages.count)])
            let result = try await ingest.ingest(batch)
            report.stored += result.stored
            report.duplicates += result.duplicates
            report.dropped += result.dropped
            done += batch.count
            progress?(done, messages.count)
        }
    }

    /// The rows with no NUL character in any field; the others are reported and skipped. Databases do not
    /// keep a NUL in text, so an id holding one would not be the id that is stored (see `Message.fieldWithNUL`).
    func withoutNUL(_ rows: [DelimitedReader.Row], _ table: Table, report: inout ImportReport) -> [DelimitedReader.Row] {
        rows.filter { row in
            guard let index = row.fields.firstIndex(where: { $0.utf8.contains(0) }) else { return true }
            let column = index < table.columnNames.count ? table.columnNames[index] : "\(index + 1)"
            report.issues.append(ImportIssue(line: row.line, column: column, reason: "contains the NUL character (U+0000); row skipped"))
            return false
        }
    }

    // MARK: - Events (JSON Lines)

    func parseEvents(_ bytes: [UInt8], report: inout ImportReport) -> [Message] {
        // Imports load history: timestamps are kept as given, however far from today.
        var limits = MessageDecoder.Limits()
        limits.maxFutureSkew = nil
        let decoder = MessageDecoder(limits: limits)
        var messages: [Message] = []
        var line = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            line += 1
            let text = raw.last == 0x0D ? raw.dropLast() : raw
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            report.rowsRead += 1
            do {
                let value = try JSONParser.parse(text)
                try decoder.checkSize(value, path: "")
                var m = try decoder.decode(value, type: nil, receivedAt: clock.now())
                if value[path: "messageId"] == nil { m.messageId = "import-event-" + StableHash.hex(Array(text)) }
                messages.append(m)
                report.rowsAccepted += 1
            } catch let e as JSONParser.Error {
                report.issues.append(ImportIssue(line: line, column: nil, reason: "\(e.reason) (column \(e.column))"))
            } catch let e as MessageDecoder.Error {
                report.issues.append(ImportIssue(line: line, column: e.path.isEmpty ? nil : e.path, reason: e.reason))
            } catch {
                report.issues.append(ImportIssue(line: line, column: nil, reason: "unreadable"))
            }
        }
        return messages
    }

    // MARK: - Customers

    func customers(_ rows: [DelimitedReader.Row], _ table: Table, report: inout ImportReport) -> [Message] {
        var messages: [Message] = []
        let now = clock.now()
        for row in rows {
            guard let userId = table.value(row, "user_id") else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("user_id"), reason: "missing user id; row skipped"))
                continue
            }
            var timestamp = now
            if let text = table.value(row, "timestamp") ?? table.value(row, "created_at") {
                guard let t = ImportValues.date(text) else {
                    report.issues.append(ImportIssue(line: row.line, column: table.column("timestamp") ?? table.column("created_at"),
                                                     reason: "not a date; row skipped"))
                    continue
                }
                timestamp = t
            }
            var traits: JSONObject = [:]
            for (name, index) in table.extra where index < row.fields.count {
                if let v = ImportValues.scalar(row.fields[index]) { traits[name] = v }
            }
            for field in ["email", "first_name", "last_name", "name", "phone", "city", "country", "region", "postal_code", "gender", "age", "birthday"] {
                if let text = table.value(row, field) { traits[field] = field == "age" ? ImportValues.scalar(text) ?? .string(text) : .string(text) }
            }
            if let created = table.value(row, "created_at"), let t = ImportValues.date(created) { traits["created_at"] = .string(ISO8601.format(t)) }
            let id = "import-customer-" + StableHash.hex(Array((userId + "\u{1}" + JSONWriter.string(traits)).utf8))
            messages.append(Message(type: .identify, messageId: id, userId: userId, anonymousId: table.value(row, "anonymous_id"),
                                    traits: traits, timestamp: timestamp, receivedAt: now))
            report.rowsAccepted += 1
        }
        return messages
    }

    // MARK: - Orders

    struct PendingOrder {
        var id: String
        var userId: String
        var timestamp: Date
        var revenue: Double?
        var lines: [JSONValue] = []
        var linesValue = 0.0
        var properties: JSONObject = [:]
    }

    func orders(_ rows: [DelimitedReader.Row], _ table: Table, report: inout ImportReport) -> [Message] {
        var orders: [String: PendingOrder] = [:]
        var order: [String] = []
        var occurrences: [String: Int] = [:]
        var latestTraits: [String: (Date, JSONObject)] = [:]
        for row in rows {
            guard let userId = table.value(row, "user_id"), userId != "NA" else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("user_id"), reason: "missing customer id; row skipped"))
                continue
            }
            guard let dateText = table.value(row, "timestamp") else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("timestamp"), reason: "missing date; row skipped"))
                continue
            }
            guard let timestamp = ImportValues.date(dateText) else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("timestamp"), reason: "not a date; row skipped"))
                continue
            }
            var quantity = 1.0
            if let q = table.value(row, "quantity") {
                guard let v = ProfileState.quantity(.string(q)) else {
                    report.issues.append(ImportIssue(line: row.line, column: table.column("quantity"), reason: "not a number; row skipped"))
                    continue
                }
                guard v > 0 else {
                    report.issues.append(ImportIssue(line: row.line, column: table.column("quantity"),
                                                     reason: "quantity is not positive (a return or cancellation, not an order); row skipped"))
                    continue
                }
                quantity = v
            }
            var price: Double?
            if let p = table.value(row, "price") {
                guard let v = ProfileState.amount(.string(p)), v >= 0 else {
                    report.issues.append(ImportIssue(line: row.line, column: table.column("price"), reason: "not a non-negative number; row skipped"))
                    continue
                }
                price = v
            }
            var revenue: Double?
            for field in ["revenue", "total"] {
                if let r = table.value(row, field) {
                    guard let v = ProfileState.amount(.string(r)) else {
                        report.issues.append(ImportIssue(line: row.line, column: table.column(field), reason: "not a number; row skipped"))
                        revenue = .nan
                        break
                    }
                    revenue = v
                }
            }
            if revenue?.isNaN == true { continue }
            let orderId: String
            if let id = table.value(row, "order_id") {
                orderId = id
            } else {
                let key = "\(userId)|\(timestamp.millisecondsSince1970)"
                occurrences[key, default: 0] += 1
                orderId = "\(userId)-\(timestamp.millisecondsSince1970)-\(occurrences[key]!)"
            }
            if orders[orderId] == nil {
                orders[orderId] = PendingOrder(id: orderId, userId: userId, timestamp: timestamp)
                order.append(orderId)
            } else if orders[orderId]!.userId != userId {
                report.issues.append(ImportIssue(line: row.line, column: table.column("user_id"),
                                                 reason: "order \(orderId) already belongs to another customer; row skipped"))
                continue
            }
            if let revenue { orders[orderId]!.revenue = (orders[orderId]!.revenue ?? 0) + revenue }
            if let productId = table.value(row, "product_id") {
                var line: JSONObject = ["product_id": .string(productId), "quantity": .number(quantity)]
                if let price { line["price"] = .number(price) }
                if let name = table.value(row, "product_name") { line["name"] = .string(name) }
                if let category = table.value(row, "category") { line["category"] = .string(category) }
                orders[orderId]!.lines.append(.object(line))
                orders[orderId]!.linesValue += (price ?? 0) * quantity
            } else if revenue == nil, let price {
                orders[orderId]!.linesValue += price * quantity
            }
            if table.value(row, "quantity") != nil, table.value(row, "product_id") == nil {
                orders[orderId]!.properties["quantity"] = .number((orders[orderId]!.properties["quantity"]?.doubleValue ?? 0) + quantity)
            }
            for (name, index) in table.extra where index < row.fields.count {
                if let v = ImportValues.scalar(row.fields[index]) { orders[orderId]!.properties[name] = v }
            }
            var traits: JSONObject = [:]
            for (name, index) in table.traitColumns where index < row.fields.count {
                if let v = ImportValues.scalar(row.fields[index]) { traits[name] = v }
            }
            if !traits.isEmpty, (latestTraits[userId]?.0).map({ $0 <= timestamp }) ?? true { latestTraits[userId] = (timestamp, traits) }
            report.rowsAccepted += 1
        }
        let now = clock.now()
        var messages: [Message] = order.map { id in
            let o = orders[id]!
            var properties = o.properties
            properties["order_id"] = .string(o.id)
            properties["revenue"] = .number(((o.revenue ?? o.linesValue) * 100).rounded() / 100)
            if !o.lines.isEmpty { properties["products"] = .array(o.lines) }
            return Message(type: .track, messageId: "import-order-" + o.id, userId: o.userId, event: TailorEvent.orderCompleted,
                           properties: properties, timestamp: o.timestamp, receivedAt: now)
        }
        for (user, (time, traits)) in latestTraits.sorted(by: { $0.key < $1.key }) {
            let id = "import-order-traits-" + StableHash.hex(Array((user + "\u{1}" + JSONWriter.string(traits)).utf8))
            messages.append(Message(type: .identify, messageId: id, userId: user, traits: traits, timestamp: time, receivedAt: now))
        }
        return messages
    }

    // MARK: - Products

    func products(_ rows: [DelimitedReader.Row], _ table: Table, report: inout ImportReport) -> [Product] {
        var products: [String: Product] = [:]
        for row in rows {
            guard let id = table.value(row, "product_id") else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("product_id"), reason: "missing product id; row skipped"))
                continue
            }
            guard let name = table.value(row, "name") else {
                report.issues.append(ImportIssue(line: row.line, column: table.column("name"), reason: "missing name; row skipped"))
                continue
            }
            var price: Double?
            if let p = table.value(row, "price") {
                guard let v = ProfileState.amount(.string(p)), v >= 0 else {
                    report.issues.append(ImportIssue(line: row.line, column: table.column("price"), reason: "not a non-negative number; row skipped"))
                    continue
                }
                price = v
            }
            var attributes: JSONObject = [:]
            for (n, index) in table.extra where index < row.fields.count {
                if let v = ImportValues.scalar(row.fields[index]) { attributes[n] = v }
            }
            let inStock = table.value(row, "in_stock").map { !["0", "false", "no", "n"].contains($0.lowercased()) } ?? true
            products[id] = Product(id: id, name: name, category: table.value(row, "category"), price: price, inStock: inStock,
                                   url: table.value(row, "url"), imageUrl: table.value(row, "image_url"), attributes: attributes)
            report.rowsAccepted += 1
        }
        return products.values.sorted { $0.id < $1.id }
    }
}

/// The header of a delimited file, resolved against a mapping.
struct Table {
    /// Target field → column index.
    var fields: [String: Int] = [:]
    var columnNames: [String]
    /// Columns mapped to no field: kept under their own (snake_cased) name.
    var extra: [(String, Int)] = []
    /// Columns mapped to `trait.<name>` (orders: customer traits carried by order rows).
    var traitColumns: [(String, Int)] = []

    static let known: [ImportKind: Set<String>] = [
        .customers: ["user_id", "anonymous_id", "email", "first_name", "last_name", "name", "phone", "city", "country", "region",
                     "postal_code", "gender", "age", "birthday", "timestamp", "created_at"],
        .orders: ["order_id", "user_id", "timestamp", "revenue", "total", "product_id", "product_name", "category", "quantity", "price"],
        .products: ["product_id", "name", "category", "price", "in_stock", "url", "image_url"],
        .consent: ["user_id", "email", "purpose", "status", "timestamp", "source", "lawful_basis", "expires_at", "ip", "user_agent", "form"],
    ]

    init(header: [String], mapping: ImportMapping, kind: ImportKind) throws {
        columnNames = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (i, name) in columnNames.enumerated() where index[name] == nil { index[name] = i }
        var used = Set<Int>()
        for (field, column) in mapping.fields {
            guard let i = index[column] else { throw ImportError.missingColumn(field: field, column: column) }
            used.insert(i)
            if field.hasPrefix("trait.") {
                traitColumns.append((String(field.dropFirst(6)), i))
            } else {
                fields[field] = i
            }
        }
        // Unmapped columns whose snake_cased name is a known field map to it.
        let known = Self.known[kind] ?? []
        for (i, name) in columnNames.enumerated() where !used.contains(i) {
            let snake = ImportValues.snakeCase(name)
            if known.contains(snake), fields[snake] == nil {
                fields[snake] = i
            } else {
                extra.append((snake, i))
            }
        }
    }

    func value(_ row: DelimitedReader.Row, _ field: String) -> String? {
        guard let i = fields[field], i < row.fields.count else { return nil }
        let v = row.fields[i].trimmingCharacters(in: .whitespaces)
        return v.isEmpty ? nil : v
    }

    func column(_ field: String) -> String? { fields[field].map { columnNames[$0] } }
}

/// Value conversions for imported text.
public enum ImportValues {
    /// ISO-8601 (`2011-03-10 16:16:00`), compact `YYYYMMDD` (CDNOW), `M/D/YYYY H:MM` (UCI's original),
    /// or Unix seconds / milliseconds.
    public static func date(_ text: String) -> Date? {
        if let d = ISO8601.parse(text) { return d }
        let digits = text.allSatisfy(\.isNumber)
        if digits, text.count == 8, let v = Int(text) {
            return ISO8601.parse(String(format: "%04d-%02d-%02d", v / 10_000, (v / 100) % 100, v % 100))
        }
        if digits, text.count == 10, let s = Int64(text) { return Date(millisecondsSince1970: s * 1000) }
        if digits, text.count == 13, let ms = Int64(text) { return Date(millisecondsSince1970: ms) }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        if text.contains("/"), parts.count >= 3 {
            let (m, d, y) = (parts[0], parts[1], parts[2])
            let h = parts.count > 3 ? parts[3] : 0
            let mi = parts.count > 4 ? parts[4] : 0
            return ISO8601.parse(String(format: "%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, h, mi))
        }
        return nil
    }

    /// A cell as a JSON scalar: numbers (unless they look like codes, with a leading zero or plus),
    /// booleans, else text. Empty cells give nil.
    public static func scalar(_ raw: String) -> JSONValue? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "NA" { return nil }
        if text == "true" || text == "false" { return .bool(text == "true") }
        let looksLikeCode = (text.hasPrefix("0") && text.count > 1 && !text.hasPrefix("0.")) || text.hasPrefix("+")
        if !looksLikeCode, let d = Double(text), d.isFinite { return .number(d) }
        return .string(text)
    }

    public static func snakeCase(_ name: String) -> String {
        var out = ""
        var previousLower = false
        for ch in name {
            if ch.isUppercase {
                if previousLower { out.append("_") }
                out.append(Character(ch.lowercased()))
                previousLower = false
            } else if ch.isLetter || ch.isNumber {
                out.append(ch)
                previousLower = ch.isLowercase || ch.isNumber
            } else {
                if !out.hasSuffix("_"), !out.isEmpty { out.append("_") }
                previousLower = false
            }
        }
        return out.hasSuffix("_") ? String(out.dropLast()) : out
    }
}

/// A stable 128-bit hash (two FNV-1a variants) for deriving idempotent message ids from content.
enum StableHash {
    static func hex(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
        }
        return String(a, radix: 16) + String(b, radix: 16)
    }
}
