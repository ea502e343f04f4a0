extension StandardFilters {
    static let arrays: [Filter] = [
        Filter("join", arguments: 0...1) { v, a, env in
            let sep = a[0].map(str) ?? " "
            switch v {
            case .array, .range:
                let parts = try flatten(try arr(v, env), env).map { str($0) }
                // Measure before joining: a long separator between many items multiplies.
                var bytes = saturatingProduct(sep.utf8.count, max(0, parts.count - 1))
                for p in parts { bytes = saturatingSum(bytes, p.utf8.count) }
                try ensure(bytes: bytes, env)
                return .string(parts.joined(separator: sep))
            default: return v
            }
        },
        .unary("first") { v in
            switch v {
            case .array(let a): return a.first ?? .null
            case .range(let lo, let hi): return hi >= lo ? .int(lo) : .null
            case .object(let o):
                guard let k = o.keys.first else { return .null }
                return .array([.string(k), o[k] ?? .null])
            default: return .null
            }
        }.costing(.constant),
        .unary("last") { v in
            switch v {
            case .array(let a): return a.last ?? .null
            case .range(let lo, let hi): return hi >= lo ? .int(hi) : .null
            default: return .null
            }
        }.costing(.constant),
        Filter("concat", arguments: 1...1) { v, a, env in
            switch a.positional[0] {
            case .array, .range: break
            default: throw FilterError("expected an array argument")
            }
            let head = try arr(v, env), tail = try arr(a.positional[0], env)
            try ensure(items: saturatingSum(head.count, tail.count), env)
            return .array(head + tail)
        },
        Filter("reverse") { v, _, env in
            switch v {
            case .array, .range: return .array(try arr(v, env).reversed())
            default: return v
            }
        },
        Filter("map", arguments: 1...1) { v, a, env in
            let key = str(a.positional[0])
            return .array(try flatten(try arr(v, env), env).map { item in
                switch item {
                case .object, .drop: return RenderContext.property(of: item, key) ?? .null
                case .null: return .null
                default: throw FilterError("map expects an array of objects")
                }
            })
        },
        Filter.metered("sort", arguments: 0...1) { v, a, context in
            let items = try arr(v, context.environment)
            try context.spend(sortingWork(items.count))
            if let p = a[0], !p.isNil {
                let key = str(p)
                return .array(try sortValues(items) { RenderContext.property(of: $0, key) ?? .null })
            }
            return .array(try sortValues(items) { $0 })
        },
        Filter.metered("sort_natural", arguments: 0...1) { v, a, context in
            let items = try arr(v, context.environment)
            try context.spend(sortingWork(items.count))
            let key = a[0].flatMap { $0.isNil ? nil : str($0) }
            func k(_ x: Value) -> Value {
                let raw = key.map { RenderContext.property(of: x, $0) ?? .null } ?? x
                return raw.isNil ? .null : .string(str(raw).lowercased())
            }
            return .array(try sortValues(items, k))
        },
        Filter.metered("uniq", arguments: 0...1) { v, a, context in
            let items = try arr(v, context.environment)
            let keys = a[0].map { p in items.map { RenderContext.property(of: $0, str(p)) ?? .null } } ?? items
            return .array(try uniqueItems(items, keys, context))
        },
        Filter("compact", arguments: 0...1) { v, a, env in
            let items = try arr(v, env)
            if let p = a[0] {
                let key = str(p)
                return .array(items.filter { !(RenderContext.property(of: $0, key) ?? .null).isNil })
            }
            return .array(items.filter { !$0.isNil })
        },
        Filter("where", arguments: 1...2) { v, a, env in
            let items = try searchItems(v, env)
            var out: [Value] = []
            for item in items {
                guard let m = try matches(item, a) else { return .null }
                if m { out.append(item) }
            }
            return .array(out)
        },
        Filter("reject", arguments: 1...2) { v, a, env in
            let items = try searchItems(v, env)
            var out: [Value] = []
            for item in items {
                guard let m = try matches(item, a) else { return .null }
                if !m { out.append(item) }
            }
            return .array(out)
        },
        Filter("find", arguments: 1...2) { v, a, env in
            for item in try searchItems(v, env) {
                guard let m = try matches(item, a) else { return .null }
                if m { return item }
            }
            return .null
        },
        Filter("find_index", arguments: 1...2) { v, a, env in
            for (i, item) in try searchItems(v, env).enumerated() {
                guard let m = try matches(item, a) else { return .null }
                if m { return .int(i) }
            }
            return .null
        },
        Filter("has", arguments: 1...2) { v, a, env in
            let items = try searchItems(v, env)
            if items.isEmpty { return .bool(false) }
            for item in items {
                guard let m = try matches(item, a) else { return .null }
                if m { return .bool(true) }
            }
            return .bool(false)
        },
        Filter("sum", arguments: 0...1) { v, a, env in
            var total: Value = .int(0)
            for item in try flatten(try arr(v, env), env) {
                let x: Value
                if let p = a[0], !p.isNil {
                    switch item {
                    case .object, .drop: x = RenderContext.property(of: item, str(p)) ?? .null
                    default: throw FilterError("cannot read a property of a non-object item")
                    }
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

    /// Nested arrays flattened into one, of at most ``ResourceLimits/valueItems`` items.
    static func flatten(_ items: [Value], _ env: Environment) throws -> [Value] {
        guard items.contains(where: { if case .array = $0 { true } else { false } }) else { return items }
        var out: [Value] = []
        func add(_ items: [Value]) throws {
            for item in items {
                if case .array(let inner) = item { try add(inner) } else { out.append(item) }
            }
            try ensure(items: out.count, env)
        }
        try add(items)
        return out
    }

    /// Comparisons a sort of `n` items makes, about n·log₂n, in work units.
    static func sortingWork(_ n: Int) -> Int {
        saturatingProduct(n, Int.bitWidth - n.leadingZeroBitCount)
    }

    /// The items whose key was not seen before (`uniq`): keys are equal when `==` says so and they
    /// are of the same kind (`1` and `1.0` are both kept). Scalar keys are looked up by hash; the
    /// others (arrays, objects) are compared one by one, and each comparison is charged.
    static func uniqueItems(_ items: [Value], _ keys: [Value], _ context: RenderContext) throws -> [Value] {
        var hashed = Set<UniqueKey>()
        var others: [Value] = []
        var out: [Value] = []
        // `empty` and `blank` equal strings and collections alike: with one of them, compare all.
        let scalarsByHash = !keys.contains { if case .empty = $0 { true } else if case .blank = $0 { true } else { false } }
        for (item, key) in zip(items, keys) {
            if case .double(let d) = key, d.isNaN {
                // NaN equals nothing, itself included: each one is kept, as `liquidEquals` has it.
                out.append(item)
                continue
            }
            if scalarsByHash, let h = UniqueKey(key) {
                if hashed.insert(h).inserted { out.append(item) }
                continue
            }
            try context.spend(others.count &* ResourceLimits.bytesPerItem)
            if !others.contains(where: { $0.liquidEquals(key) && sameKind($0, key) }) {
                others.append(key)
                out.append(item)
            }
        }
        return out
    }

    /// A scalar `uniq` key, hashable with the same equality as `liquidEquals` plus `sameKind`.
    enum UniqueKey: Hashable {
        case null, bool(Bool), int(Int), double(Double), string(String)

        init?(_ v: Value) {
            switch v {
            case .null: self = .null
            case .bool(let b): self = .bool(b)
            case .int(let i): self = .int(i)
            case .double(let d): self = .double(d)
            case .string(let s), .safe(let s): self = .string(s)
            default: return nil
            }
        }
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

    /// The items `where`, `reject`, `find`, `find_index` and `has` search: arrays (flattened),
    /// an object as a one-item array, and any other value as a one-item array.
    static func searchItems(_ v: Value, _ env: Environment) throws -> [Value] {
        switch v {
        case .array(let items): return try flatten(items, env)
        case .null: return []
        case .range: return try arr(v, env)
        default: return [v]
        }
    }

    /// Whether `item` matches (`item[property]` is truthy, or equals the target when one is given);
    /// `nil` when the item cannot be searched, which makes the whole filter return nil (as the
    /// reference implementation does for nil and boolean items).
    static func matches(_ item: Value, _ a: FilterArguments) throws -> Bool? {
        let property = a.positional[0]
        let target = a[1].flatMap { $0.isNil ? nil : $0 }
        let found: Value
        switch item {
        case .object, .drop:
            guard case .string(let key) = property else {
                found = property.isNil ? .null : (RenderContext.property(of: item, property.liquidString) ?? .null)
                break
            }
            found = RenderContext.property(of: item, key) ?? .null
        case .string(let s), .safe(let s):
            switch property {
            case .string(let key), .safe(let key): found = s.contains(key) ? .string(key) : .null
            case .int(let i):
                let chars = Array(s)
                let j = i < 0 ? chars.count + i : i
                found = j >= 0 && j < chars.count ? .string(String(chars[j])) : .null
            default: return nil
            }
        case .int(let n):
            guard case .int(let bit) = property else { throw FilterError("cannot select a property of an integer") }
            found = .int(bit >= 0 && bit < 64 ? (n >> bit) & 1 : (n < 0 ? 1 : 0))
        default:
            return nil
        }
        if let target { return found.liquidEquals(target) }
        return found.isTruthy
    }
}
