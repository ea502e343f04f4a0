import Foundation
import TailorEngine
import TailorML

/// JSON output of the `tailor ml` commands: one object per run, keys sorted, so that outsiders can
/// compare runs with other tools.
enum MLOutput {
    static func print(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    /// What re-evaluating the segments that read the computed traits written changed (`tailor segment create`'s
    /// names: evaluated profiles, entries, exits).
    static func json(_ r: SegmentRefresh) -> [String: Any] {
        ["evaluated": r.evaluated, "entered": r.entered, "exited": r.exited]
    }

    /// Rows of a row-major array.
    static func rows(_ values: [Double], width: Int) -> [[Double]] {
        stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
    }
}
