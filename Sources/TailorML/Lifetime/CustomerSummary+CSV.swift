extension CustomerSummary {
    /// Reads customer summaries from a CSV file with columns `frequency,recency,T` (other columns,
    /// such as an id, are ignored).
    /// - Throws: ``MLError`` when the file is unreadable or a column is missing or not numeric.
    public static func read(path: String) throws(MLError) -> [CustomerSummary] {
        let csv = try CSVReader(path: path)
        let x = try csv.doubles(try csv.column("frequency"))
        let tx = try csv.doubles(try csv.column("recency"))
        let age = try csv.doubles(try csv.column("T"))
        return (0..<x.count).map { CustomerSummary(frequency: x[$0], recency: tx[$0], age: age[$0]) }
    }
}
