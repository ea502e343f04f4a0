/// Pearson's χ² test of independence for an r × c contingency table, without continuity correction.
///
/// With row totals Rᵢ, column totals Cⱼ and grand total N, the expected counts under independence are
/// Eᵢⱼ = Rᵢ Cⱼ / N, and
///
///   χ² = Σᵢⱼ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ,   df = (r − 1)(c − 1),   p = P(χ²_df > χ²).
///
/// No Yates correction: it makes the 2 × 2 test conservative, and it is not what the z-test, the sample size
/// formula or scipy's `chi2_contingency(correction=False)` assume.
public struct ContingencyTableTest: Sendable, Hashable {
    /// The χ² statistic.
    public let chiSquare: Double
    /// (rows − 1)(columns − 1).
    public let degreesOfFreedom: Int
    /// P(χ²_df > chiSquare).
    public let pValue: Double
    /// The expected counts under independence, Rᵢ Cⱼ / N, in the table's shape.
    public let expected: [[Double]]

    /// Runs the test.
    /// - Parameter table: Counts, one array per row; at least 2 × 2, rectangular, no negative count, and no
    ///   row or column that sums to 0 (its expected counts would be 0 and χ² undefined).
    /// - Throws: `StatsError` (`.invalidTable`) naming the row or column at fault.
    public init(_ table: [[Int]]) throws(StatsError) {
        guard table.count >= 2 else { throw StatsError(.invalidTable, "a contingency table needs at least 2 rows, got \(table.count)") }
        let columns = table[0].count
        guard columns >= 2 else { throw StatsError(.invalidTable, "a contingency table needs at least 2 columns, got \(columns)") }
        var rowTotals = [Double](repeating: 0, count: table.count)
        var columnTotals = [Double](repeating: 0, count: columns)
        for (i, row) in table.enumerated() {
            guard row.count == columns else {
                throw StatsError(.invalidTable, "row \(i) has \(row.count) columns, row 0 has \(columns)")
            }
            for (j, count) in row.enumerated() {
                guard count >= 0 else { throw StatsError(.invalidTable, "the count at row \(i), column \(j) is negative") }
                rowTotals[i] += Double(count)
                columnTotals[j] += Double(count)
            }
        }
        if let i = rowTotals.firstIndex(of: 0) { throw StatsError(.invalidTable, "row \(i) is all zeros") }
        if let j = columnTotals.firstIndex(of: 0) { throw StatsError(.invalidTable, "column \(j) is all zeros") }
        let total = rowTotals.reduce(0, +)
        var statistic = 0.0
        var expected: [[Double]] = []
        for (i, row) in table.enumerated() {
            var expectedRow: [Double] = []
            for (j, count) in row.enumerated() {
                let e = rowTotals[i] * columnTotals[j] / total
                let d = Double(count) - e
                statistic += d * d / e
                expectedRow.append(e)
            }
            expected.append(expectedRow)
        }
        chiSquare = statistic
        degreesOfFreedom = (table.count - 1) * (columns - 1)
        pValue = ChiSquared(checked: Double(degreesOfFreedom)).survival(statistic)  // df ≥ 1 by the shape checks
        self.expected = expected
    }
}
