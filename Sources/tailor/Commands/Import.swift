import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor import customers|orders|products|events FILE`.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import customers, orders, products, consent (CSV) or events (Segment JSON Lines).",
        discussion: """
            Columns map to fields by name (snake_cased) or with --map COLUMN=FIELD; unmapped columns are kept as traits,
            properties or attributes. Rows that cannot be imported are reported as FILE:LINE: column: reason and skipped;
            the others are imported. Importing the same file twice stores nothing new. See docs/IMPORTS.md.
            """)

    @Argument(help: "What the file holds: customers, orders, products, consent or events.")
    var kind: String

    @Argument(help: "The file: .csv, .tsv, .txt (whitespace-separated) or .jsonl.")
    var file: String

    @Option(name: .customLong("map"), parsing: .singleValue, help: "COLUMN=FIELD, repeatable (for example InvoiceNo=order_id).")
    var map: [String] = []

    @Option(help: "A documented mapping for a known data set: online-retail or cdnow.")
    var preset: String?

    @Option(help: "csv, tsv or whitespace (default: from the file name).")
    var format: String?

    @Option(help: "Write the validation report as CSV (line,column,reason) to this file.")
    var report: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard let kind = ImportKind(rawValue: kind) else {
            throw ValidationError("unknown kind '\(kind)': use customers, orders, products, consent or events")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("\(file): cannot read the file")
        }
        var mapping = ImportMapping()
        do {
            if let preset { mapping = try ImportMapping.preset(preset) }
            mapping = mapping.overridden(by: try ImportMapping.parse(map))
        } catch {
            throw ValidationError("\(error)")
        }
        if let format {
            guard let f = DelimitedReader.Format(rawValue: format) else { throw ValidationError("--format must be csv, tsv or whitespace") }
            mapping.format = f
        }
        let runtime = try await Runtime.open(try global.settings())
        let importer = Importer(ingest: IngestService(events: runtime.stores.events), products: runtime.stores.products, clock: runtime.clock,
                                consent: ConsentService(stores: runtime.stores, clock: runtime.clock))
        let progress = Console.Progress("importing \(kind.rawValue)")
        let started = Date()
        let result: ImportReport
        do {
            result = try await importer.run(kind, bytes: Array(data), fileName: file, mapping: mapping) { progress.update($0, $1) }
        } catch let error as ImportError {
            await runtime.close()
            throw ValidationError("\(file): \(error)")
        }
        await runtime.close()
        let shown = result.issues.prefix(20)
        for issue in shown {
            Console.note("\(file):\(issue.line): \(issue.column.map { "column \($0): " } ?? "")\(issue.reason)")
        }
        if result.issues.count > shown.count { Console.note("… and \(result.issues.count - shown.count) more (see --report)") }
        if let report {
            var csv = "line,column,reason\n"
            for i in result.issues { csv += "\(i.line),\(Self.csvField(i.column ?? "")),\(Self.csvField(i.reason))\n" }
            try csv.write(toFile: report, atomically: true, encoding: .utf8)
        }
        let seconds = Date().timeIntervalSince(started)
        if kind == .products {
            print("\(result.rowsRead) rows read, \(result.products) products stored, \(result.issues.count) rows refused")
        } else if kind == .consent {
            print("\(result.rowsRead) rows read, \(result.rowsAccepted) accepted, \(result.issues.count) refused; "
                  + "\(result.messages) decisions: \(result.stored) recorded, \(result.duplicates) already there")
        } else {
            print("\(result.rowsRead) rows read, \(result.rowsAccepted) accepted, \(result.issues.count) refused; "
                  + "\(result.messages) messages: \(result.stored) stored, \(result.duplicates) already there"
                  + (result.dropped > 0 ? ", \(result.dropped) dropped (they name an erased person)" : "")
                  + " (\(String(format: "%.1f", seconds)) s)")
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
