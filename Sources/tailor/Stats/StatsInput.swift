import ArgumentParser
import Foundation
import TailorCore
import TailorStats

/// Reading the commands' inputs, with errors that say what and where; and writing their JSON.
enum StatsInput {
    /// `S/N`: successes out of trials.
    static func count(_ text: String, option: String) throws -> BinomialCount {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let s = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(option) must be SUCCESSES/TRIALS, like 120/1000")
        }
        do { return try BinomialCount(successes: s, trials: n) } catch { throw ValidationError("\(option): \(error.message)") }
    }

    /// Comma-separated numbers (`--counts 10,12`), parsed by `parse`.
    static func list<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
        try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { i, part in
            guard let v = parse(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option): item \(i + 1) ('\(part)') is not a number")
            }
            return v
        }
    }

    /// A table `r1c1,r1c2;r2c1,r2c2`: rows split by `;`, cells by `,`.
    static func table(_ text: String) throws -> [[Int]] {
        try text.split(separator: ";", omittingEmptySubsequences: false).enumerated().map { r, row in
            try row.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { c, cell in
                guard let v = Int(cell.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--table: row \(r + 1), column \(c + 1) ('\(cell)') is not a whole number")
                }
                return v
            }
        }
    }

    /// One finite number a line (blank lines skipped); an error names `file:line`.
    static func numbers(file: String) throws -> [Double] {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("\(file): cannot read the file") }
        var out: [Double] = []
        for (i, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let v = Double(line), v.isFinite else { throw ValidationError("\(file):\(i + 1): '\(line)' is not a finite number") }
            out.append(v)
        }
        return out
    }

    static func alpha(_ value: Double) throws -> Double {
        guard value > 0, value < 1 else { throw ValidationError("--alpha must be between 0 and 1 (exclusive), got \(value)") }
        return value
    }

    /// Prints one JSON object, keys in a stable order; a number that is not finite prints as null.
    static func print(_ object: JSONObject) {
        Swift.print(JSONWriter.string(.object(object)))
    }
}

extension StatsError {
    /// For the CLI: the message alone, the library's prefix left out.
    var cli: ValidationError { ValidationError(message) }
}
