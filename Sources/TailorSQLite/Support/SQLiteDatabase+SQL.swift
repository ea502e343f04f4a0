import TailorStore
extension SQLiteDatabase {
    static func placeholders(_ n: Int) -> String {
        String(repeating: "?,", count: max(0, n - 1)) + (n > 0 ? "?" : "")
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
