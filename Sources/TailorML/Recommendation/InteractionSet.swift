import Foundation

/// Weighted user–item interactions with their string identifiers: the input of ``ImplicitALS``.
public struct InteractionSet: Sendable {
    /// User identifiers; row i of `matrix` is user `users.ids[i]`.
    public var users: IDIndex
    /// Item identifiers; column j of `matrix` is item `items.ids[j]`.
    public var items: IDIndex
    /// Users × items weights (duplicates summed).
    public var matrix: InteractionMatrix

    /// Builds a set from (user, item, weight) triples.
    /// - Parameters:
    ///   - users: an existing user numbering to extend (to give a test set the training set's numbers).
    ///   - items: an existing item numbering to extend.
    public init(
        triples: [(user: String, item: String, weight: Double)],
        users: IDIndex = IDIndex(),
        items: IDIndex = IDIndex()
    ) throws(MLError) {
        var users = users
        var items = items
        var rows: [Int32] = []
        var columns: [Int32] = []
        var values: [Float] = []
        for t in triples {
            rows.append(users.insert(t.user))
            columns.append(items.insert(t.item))
            values.append(Float(t.weight))
        }
        self.users = users
        self.items = items
        self.matrix = try InteractionMatrix(rowCount: users.count, columnCount: items.count, rows: rows, columns: columns, values: values)
    }

    /// Reads a CSV with header columns `user,item,weight` (in any order; `weight` may be absent,
    /// meaning 1), extending the given numberings.
    /// - Throws: ``MLError`` with the path and line of the first malformed row.
    public static func read(path: String, users: IDIndex = IDIndex(), items: IDIndex = IDIndex()) throws(MLError) -> InteractionSet {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw MLError(.io, "cannot read interactions file", path: path) }
        var triples: [(user: String, item: String, weight: Double)] = []
        var header: [String]?
        var userColumn = 0
        var itemColumn = 1
        var weightColumn: Int?
        var lineNumber = 0
        var failure: MLError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var fields: [Substring] = []
            while start < bytes.count, failure == nil {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                if lineEnd > start {
                    let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self)
                    fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                        $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.count >= 2 ? $0.dropFirst().dropLast() : $0
                    }
                    if header == nil {
                        let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                        header = names
                        guard let u = names.firstIndex(of: "user"), let i = names.firstIndex(of: "item") else {
                            failure = MLError(.malformedInput, "interactions header needs columns user,item[,weight]", path: path, line: 1)
                            break
                        }
                        userColumn = u
                        itemColumn = i
                        weightColumn = names.firstIndex(of: "weight")
                    } else {
                        guard fields.count == header!.count else {
                            failure = MLError(
                                .malformedInput,
                                "row has \(fields.count) fields, header has \(header!.count)",
                                path: path,
                                line: lineNumber
                            )
                            break
                        }
                        var weight = 1.0
                        if let w = weightColumn {
                            guard let v = Double(fields[w]), v.isFinite else {
                                failure = MLError(.malformedInput, "weight is not a finite number", path: path, line: lineNumber)
                                break
                            }
                            weight = v
                        }
                        triples.append((String(fields[userColumn]), String(fields[itemColumn]), weight))
                    }
                }
                start = end + 1
            }
        }
        if let failure { throw failure }
        guard header != nil else { throw MLError(.malformedInput, "interactions file is empty", path: path) }
        return try InteractionSet(triples: triples, users: users, items: items)
    }
}
