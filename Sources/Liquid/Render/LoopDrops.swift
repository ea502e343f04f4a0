/// `forloop`: the state of the innermost `for` loop.
///
/// `@unchecked Sendable`: a drop is created and mutated by one render on one task; it is only
/// `Sendable` because ``Value`` is.
final class ForLoopDrop: LiquidDrop, @unchecked Sendable {
    let name: String
    let length: Int
    let parent: ForLoopDrop?
    @exclusivity(unchecked) var index0 = 0

    init(name: String, length: Int, parent: ForLoopDrop?) {
        self.name = name
        self.length = length
        self.parent = parent
    }

    func value(forKey key: String) -> Value? {
        switch key {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "rindex": return .int(length - index0)
        case "rindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "name": return .string(name)
        case "parentloop": return parent.map { .drop($0) } ?? .null
        default: return nil
        }
    }
}

/// `tablerowloop`: the state of the innermost `tablerow` loop.
///
/// `@unchecked Sendable`: see ``ForLoopDrop``.
final class TableRowLoopDrop: LiquidDrop, @unchecked Sendable {
    let length: Int
    let cols: Int
    @exclusivity(unchecked) var index0 = 0

    init(length: Int, cols: Int) {
        self.length = length
        self.cols = cols
    }

    var col0: Int { index0 % cols }
    var col: Int { col0 + 1 }
    var row: Int { index0 / cols + 1 }
    var colLast: Bool { col == cols }

    func value(forKey key: String) -> Value? {
        switch key {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "rindex": return .int(length - index0)
        case "rindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "col": return .int(col)
        case "col0": return .int(col0)
        case "col_first": return .bool(col0 == 0)
        case "col_last": return .bool(colLast)
        case "row": return .int(row)
        default: return nil
        }
    }
}
