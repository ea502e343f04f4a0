/// A sparse users × items matrix of interaction weights in compressed-row (CSR) form: the
/// interactions of row r are `columns[rowStarts[r]..<rowStarts[r+1]]`, sorted by column, with their
/// weights in `values`.
public struct InteractionMatrix: Sendable, Hashable {
    /// Number of rows (users, or items for the transpose).
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    /// Start of each row in `columns`/`values`; `rowCount + 1` entries.
    public let rowStarts: [Int]
    /// Column of each stored entry, sorted within a row.
    public let columns: [Int32]
    /// Weight of each stored entry.
    public let values: [Float]

    /// Number of stored entries.
    public var nonzeroCount: Int { columns.count }

    /// Builds a matrix from coordinate triples. Duplicate (row, column) pairs are summed; entries
    /// whose summed weight is not positive are dropped (implicit feedback has no negative evidence).
    /// - Throws: ``MLError`` `.invalidArgument` when the arrays differ in length or an index is out of range.
    public init(rowCount: Int, columnCount: Int, rows: [Int32], columns: [Int32], values: [Float]) throws(MLError) {
        guard rows.count == columns.count, rows.count == values.count else {
            throw MLError(.invalidArgument, "interaction triples must have equal lengths")
        }
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for (r, c) in zip(rows, columns) {
            guard r >= 0, Int(r) < rowCount, c >= 0, Int(c) < columnCount else {
                throw MLError(.invalidArgument, "interaction index out of range (\(rowCount) × \(columnCount))")
            }
            counts[Int(r) + 1] += 1
        }
        for r in 0..<rowCount { counts[r + 1] += counts[r] }
        var next = counts
        var sortedColumns = [Int32](repeating: 0, count: rows.count)
        var sortedValues = [Float](repeating: 0, count: rows.count)
        for i in rows.indices {
            let slot = next[Int(rows[i])]
            next[Int(rows[i])] += 1
            sortedColumns[slot] = columns[i]
            sortedValues[slot] = values[i]
        }
        var starts = [0]
        starts.reserveCapacity(rowCount + 1)
        var outColumns: [Int32] = []
        var outValues: [Float] = []
        outColumns.reserveCapacity(rows.count)
        outValues.reserveCapacity(rows.count)
        var pairs: [(Int32, Float)] = []
        for r in 0..<rowCount {
            pairs.removeAll(keepingCapacity: true)
            for i in counts[r]..<counts[r + 1] { pairs.append((sortedColumns[i], sortedValues[i])) }
            pairs.sort { $0.0 < $1.0 }
            var i = 0
            while i < pairs.count {
                var total = pairs[i].1
                var j = i + 1
                while j < pairs.count && pairs[j].0 == pairs[i].0 {
                    total += pairs[j].1
                    j += 1
                }
                if total > 0 {
                    outColumns.append(pairs[i].0)
                    outValues.append(total)
                }
                i = j
            }
            starts.append(outColumns.count)
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStarts = starts
        self.columns = outColumns
        self.values = outValues
    }

    private init(rowCount: Int, columnCount: Int, rowStarts: [Int], columns: [Int32], values: [Float]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }

    /// The columns and weights of one row.
    public func row(_ r: Int) -> (columns: ArraySlice<Int32>, values: ArraySlice<Float>) {
        let range = rowStarts[r]..<rowStarts[r + 1]
        return (columns[range], values[range])
    }

    /// Whether row `r` has an entry in `column` (binary search).
    public func contains(row r: Int, column: Int) -> Bool {
        var lo = rowStarts[r]
        var hi = rowStarts[r + 1]
        let target = Int32(column)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if columns[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStarts[r + 1] && columns[lo] == target
    }

    /// The transpose (items × users), with sorted rows.
    public func transposed() -> InteractionMatrix {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for c in columns { counts[Int(c) + 1] += 1 }
        for c in 0..<columnCount { counts[c + 1] += counts[c] }
        var next = counts
        var outColumns = [Int32](repeating: 0, count: columns.count)
        var outValues = [Float](repeating: 0, count: columns.count)
        // Rows are visited in order, so every transposed row comes out sorted.
        for r in 0..<rowCount {
            for i in rowStarts[r]..<rowStarts[r + 1] {
                let c = Int(columns[i])
                outColumns[next[c]] = Int32(r)
                outValues[next[c]] = values[i]
                next[c] += 1
            }
        }
        return InteractionMatrix(rowCount: columnCount, columnCount: rowCount, rowStarts: counts, columns: outColumns, values: outValues)
    }
}
