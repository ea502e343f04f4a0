import Testing

@testable import TailorStats

@Suite("Pearson χ² test of a contingency table")
struct ContingencyTableTestTests {
    @Test func twoByTwo() throws {
        // Expected [[12, 18], [28, 42]]; χ² = 4/12 + 4/18 + 4/28 + 4/42 = 50/63.
        let test = try ContingencyTableTest([[10, 20], [30, 40]])
        #expect(isClose(test.chiSquare, 50.0 / 63, 1e-15))
        #expect(test.degreesOfFreedom == 1)
        #expect(test.expected == [[12, 18], [28, 42]])
        #expect(isClose(test.pValue, 2 * StandardNormal.cdf(-(50.0 / 63).squareRoot()), 1e-14))
    }

    @Test func independentTableHasNoEvidence() throws {
        let test = try ContingencyTableTest([[10, 20, 30], [20, 40, 60]])
        #expect(test.chiSquare < 1e-25)
        #expect(test.degreesOfFreedom == 2)
        #expect(isClose(test.pValue, 1, 1e-15))
    }

    @Test func transposingChangesNothing() throws {
        let table = [[5, 9, 13, 2], [7, 3, 8, 11], [12, 6, 1, 4]]
        let transposed = (0..<4).map { j in table.map { $0[j] } }
        let a = try ContingencyTableTest(table)
        let b = try ContingencyTableTest(transposed)
        #expect(isClose(a.chiSquare, b.chiSquare, 1e-14))
        #expect(a.degreesOfFreedom == 6 && b.degreesOfFreedom == 6)
    }

    @Test func refusesBadTables() {
        let cases: [([[Int]], String)] = [
            ([[1, 2]], "at least 2 rows"),
            ([[1], [2]], "at least 2 columns"),
            ([[1, 2], [3]], "row 1 has 1 columns"),
            ([[1, -2], [3, 4]], "row 0, column 1 is negative"),
            ([[0, 0], [3, 4]], "row 0 is all zeros"),
            ([[1, 0, 2], [3, 0, 4]], "column 1 is all zeros"),
            ([], "at least 2 rows"),
        ]
        for (table, message) in cases {
            #expect {
                try ContingencyTableTest(table)
            } throws: { error in
                guard let error = error as? StatsError else { return false }
                return error.code == .invalidTable && error.message.contains(message)
            }
        }
    }
}
