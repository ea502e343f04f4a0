extension StandardFilters {
    static let arrays: [Filter] = [
        Filter("join", arguments: 0...1) { v, a, _ in
            let sep = a[0].map(str) ?? " "
            switch v {
            case .array, .range: return .string(try arr(v).map { str($0) }.joined(separator: sep))
            default: return v
            }
        },
        .unary("first") { v in
            switch v {
            case .array(let a): return a.first ?? .null
            case .range(let lo, let hi): return hi >= lo ? .int(lo) : .null
            default: return .null
            }
        },
        .unary("last") { v in
            switch v {
            case .array(let a): return a.last ?? .null
            case .range(let lo, let hi): return hi >= lo ? .int(hi) : .null
            default: return .null
            }
        },
        Filter("concat", arguments: 1...1) { v, a, _ in
            guard case .array = a.positional[0] else {
                if case .range = a.positional[0] { return .array(try arr(v) + arr(a.positional[0])) }
                throw FilterError("expected an array argument")
            }
            return .array(try arr(v) + arr(a.positional[0]))
        },
        .unary("reverse") { v in
            switch v {
            case .array, .range: return .array(try arr(v).reversed())
            default: return v
            }
        },
        Filter("map", arguments: 1...1) { v, a, _ in
            let key = str(a.positional[0])
            return .array(try flatten(try arr(v)).map { item in
                switch item {
                case .object, .drop: return RenderContext.property(of: item, key) ?? .null
                case .null: return .null
                default: throw FilterError("map expects an array of objects")
                }
            })
        },
        Filter("sort", arguments: 0...1) { v, a, _ in
            let items = try arr(v)
            if let p = a[0] {
                let key = str(p)
                return .array(try sortValues(items) { RenderContext.property(of: $0, key) ?? .null })
            }
            return .array(try sortValues(items) { $0 })
        },
        Filter("sort_natural", arguments: 0...1) { v, a, _ in
            let items = try arr(v)
            let key = a[0].map(str)
            func k(_ x: Value) -> Value {
                let raw = key.map { RenderContext.property(of: x, $0) ?? .null } ?? x
                return raw.isNil ? .null : .string(str(raw).lowercased())
            }
            return .array(try sortValues(items, k))
        },
        Filter("uniq", arguments: 0...1) { v, a, _ in
            let items = try arr(v)
            var seen: [Value] = []
            var out: [Value] = []
            for item in items {
                let k = a[0].map { RenderContext.property(of: item, str($0)) ?? .null } ?? item
                if !seen.contains(where: { $0.liquidEquals(k) && sameKind($0, k) }) {
                    seen.append(k)
                    out.append(item)
                }
            }
            return .array(out)
        },
        Filter("compact", arguments: 0...1) { v, a, _ in
            let items = try arr(v)
            if let p = a[0] {
                let key = str(p)
                return .array(items.filter { !(RenderContext.property(of: $0, key) ?? .null).isNil })
            }
            return .array(items.filter { !$0.isNil })
        },
        Filter("where", arguments: 1...2) { v, a, _ in
            .array(try filterBy(v, a, keep: true))
        },
        Filter("reject", arguments: 1...2) { v, a, _ in
            .array(try filterBy(v, a, keep: false))
        },
        Filter("find", arguments: 1...2) { v, a, _ in
            try filterBy(v, a, keep: true, firstOnly: true).first ?? .null
        },
        Filter("find_index", arguments: 1...2) { v, a, _ in
            let items = try arr(v)
            for (i, item) in items.enumerated() where try matches(item, a) { return .int(i) }
            return .null
        },
        Filter("has", arguments: 1...2) { v, a, _ in
            .bool(!(try filterBy(v, a, keep: true, firstOnly: true)).isEmpty)
        },
        Filter("sum", arguments: 0...1) { v, a, _ in
            var total: Value = .int(0)
            for item in try flatten(try arr(v)) {
                let x: Value
                if let p = a[0] {
                    x = RenderContext.property(of: item, str(p)) ?? .null
                } else {
                    x = item
                }
                let n: Value
                switch x {
                case .int, .double: n = x
                case .string(let s), .safe(let s): n = Value.parseNumber(s).flatMap { Double(s) != nil ? $0 : nil } ?? .int(0)
                default: n = .int(0)
                }
                total = add(total, n)
            }
            return total
        },
    ]

    static func sameKind(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int): return false
        default: return true
        }
    }

    static func flatten(_ items: [Value]) throws -> [Value] {
        var out: [Value] = []
        for item in items {
            if case .array(let inner) = item { out += try flatten(inner) } else { out.append(item) }
        }
        return out
    }

    /// Sorts by a key; values that cannot be ordered against each other are an error, nil sorts last.
    static func sortValues(_ items: [Value], _ key: (Value) -> Value) throws -> [Value] {
        let keyed = items.map { (key($0), $0) }
        var failed = false
        let sorted = keyed.enumerated().sorted { l, r in
            let a = l.element.0, b = r.element.0
            if a.isNil && b.isNil { return l.offset < r.offset }
            if a.isNil { return false }
            if b.isNil { return true }
            guard let c = a.liquidCompare(b) else {
                failed = true
                return l.offset < r.offset
            }
            return c == 0 ? l.offset < r.offset : c < 0
        }
        if failed { throw FilterError("cannot sort values of different types") }
        return sorted.map { $0.element.1 }
    }

    static func matches(_ item: Value, _ a: FilterArguments) throws -> Bool {
        let key = str(a.positional[0])
        let property: Value
        switch item {
        case .object, .drop: property = RenderContext.property(of: item, key) ?? .null
        case .string(let s), .safe(let s):
            return a[1].map { _ in false } ?? s.contains(key)
        default:
            return false
        }
        if let target = a[1] {
            if target.isNil { return property.isNil }
            if case .array(let values) = property, !target.isIterable, case .string = target {
                return values.contains { $0.liquidEquals(target) }
            }
            return property.liquidEquals(target)
        }
        return property.isTruthy
    }

    static func filterBy(_ v: Value, _ a: FilterArguments, keep: Bool, firstOnly: Bool = false) throws -> [Value] {
        var out: [Value] = []
        for item in try flatten(try arr(v)) where try matches(item, a) == keep {
            out.append(item)
            if firstOnly { break }
        }
        return out
    }
}
