/// State of one render: variables, counters, loop bookkeeping and resource budgets.
///
/// A context belongs to a single render on a single task; templates and environments are shared,
/// contexts are not. Custom tags receive it to evaluate expressions and render bodies.
///
/// Mutable state is marked `@exclusivity(unchecked)`: these properties are read and written on
/// every node, the context never leaves its render, and no access to one of them overlaps another
/// access to it (values are computed before they are stored), so the dynamic checks only cost time.
public final class RenderContext {
    let environment: Environment
    let globals: LiquidObject
    /// Variables from `assign` and `capture`.
    @exclusivity(unchecked) var locals = Locals()
    /// Loop variables and partial arguments, innermost last (searched from the end).
    @exclusivity(unchecked) var scope = Scope()
    /// `increment`/`decrement` counters.
    @exclusivity(unchecked) var counters: [String: Int] = [:]
    @exclusivity(unchecked) var cycles: [String: Int] = [:]
    /// Where `offset: continue` resumes, by loop name.
    @exclusivity(unchecked) var loopOffsets: [String: Int] = [:]
    @exclusivity(unchecked) var lastIfchanged: String?
    /// Set when a template that may use `offset: continue` renders.
    @exclusivity(unchecked) var recordLoopOffsets = false
    /// Scratch storage for filter arguments (see `evaluate(_:)`).
    @exclusivity(unchecked) var argumentBuffer: [Value] = []
    @exclusivity(unchecked) var interrupt: Interrupt = .none
    @exclusivity(unchecked) var currentLoop: ForLoopDrop?
    /// Work, time and loop budgets (see `RenderContext+Budget.swift`).
    let budget: Budget
    /// Copied from the environment: read on every output or filter call.
    let autoescape: Bool
    let outputLimit: Int
    let valueBytes: Int
    let valueItems: Int
    let strictUndefined: Bool
    @exclusivity(unchecked) var partialDepth: Int

    enum Interrupt { case none, breakLoop, continueLoop }

    init(environment: Environment, globals: LiquidObject, budget: Budget? = nil, partialDepth: Int = 0) {
        self.environment = environment
        self.globals = globals
        self.budget = budget ?? Budget(environment.limits)
        self.partialDepth = partialDepth
        self.autoescape = environment.autoescape
        self.outputLimit = environment.limits.outputBytes
        self.valueBytes = environment.limits.valueBytes
        self.valueItems = environment.limits.valueItems
        self.strictUndefined = environment.undefined == .strict
    }

    // MARK: - Variables

    /// The value of the variable `name` (loop variables, then assigns, then counters, then globals).
    public func lookup(_ name: String) -> Value? {
        lookup(name, hash: LiquidObject.hash(name))
    }

    @inline(__always) func lookup(_ name: String, hash: Int) -> Value? {
        if let i = scope.index(of: name) { return scope.values[i] }
        if let i = locals.index(of: name, hash: hash) { return locals.value(at: i) }
        if !counters.isEmpty, let c = counters[name] { return .int(c) }
        return globals.value(forKey: name, hash: hash)
    }

    /// The property `key` of the variable `name`, read in place: the variable is not copied.
    @inline(__always) func lookup(_ name: String, hash: Int, key: String, keyHash: Int) -> Value? {
        if let i = scope.index(of: name) {
            return scope.values.withUnsafeBufferPointer { Self.property(of: $0[i], key, hash: keyHash) }
        }
        if let i = locals.index(of: name, hash: hash) {
            return locals.entries.withUnsafeBufferPointer { Self.property(of: $0[i].value, key, hash: keyHash) }
        }
        if !counters.isEmpty, let c = counters[name] { return Self.property(of: .int(c), key, hash: keyHash) }
        return globals.withValue(forKey: name, hash: hash) { Self.property(of: $0, key, hash: keyHash) }
    }

    /// Sets a template-level variable, as `assign` does.
    public func assign(_ name: String, _ value: Value) {
        locals.set(name, value)
    }

    @inline(__always) func undefined(_ path: VariablePath, lenient: Bool) throws -> Value {
        if strictUndefined && !lenient {
            throw LiquidError(.undefinedVariable, "'\(path.text)' is undefined", offset: path.offset)
        }
        return .null
    }

    func resolve(_ path: VariablePath, lenient: Bool = false) throws -> Value {
        var value: Value
        var first = 0
        switch path.root {
        case .key(let name):
            if !path.readsSize, case .key(let key) = path.segments.first {
                // `name.key`: read the property of the variable in place, without copying the variable.
                guard let v = lookup(name, hash: path.rootHash, key: key, keyHash: path.segmentHashes[0]) else {
                    return try undefined(path, lenient: lenient)
                }
                value = v
                first = 1
            } else {
                guard let v = lookup(name, hash: path.rootHash) else { return try undefined(path, lenient: lenient) }
                value = v
            }
        case .index(let i):
            guard let v = lookup(String(i)) else { return try undefined(path, lenient: lenient) }
            value = v
        case .dynamic(let e):
            let key = try evaluate(e)
            guard let v = lookup(key.liquidString) else { return try undefined(path, lenient: lenient) }
            value = v
        }
        let segments = path.segments
        for n in first..<segments.count {
            let next: Value?
            switch segments[n] {
            case .key(let k):
                if path.readsSize { try chargeMeasuring(value, k) }
                next = Self.property(of: value, k, hash: path.segmentHashes[n])
            case .index(let i): next = Self.element(of: value, i)
            case .dynamic(let e):
                let key = try evaluate(e)
                switch key {
                case .int(let i): next = Self.element(of: value, i)
                case .string(let s), .safe(let s):
                    try chargeMeasuring(value, s)
                    next = Self.property(of: value, s)
                case .double(let d) where d == d.rounded(): next = Self.element(of: value, Value.clampedInt(d))
                default: next = nil
                }
            }
            guard let n = next else { return try undefined(path, lenient: lenient) }
            value = n
        }
        return value
    }

    /// `string.size` counts characters, which takes time proportional to the string: charge it.
    func chargeMeasuring(_ value: Value, _ key: String) throws {
        switch value {
        case .string(let s), .safe(let s) where key == "size": try spend(s.utf8.count)
        default: break
        }
    }

    static func property(of value: Value, _ key: String) -> Value? {
        property(of: value, key, hash: LiquidObject.hash(key))
    }

    static func property(of value: Value, _ key: String, hash: Int) -> Value? {
        switch value {
        case .object(let o):
            if let v = o.value(forKey: key, hash: hash) { return v }
            switch key {
            case "size": return .int(o.count)
            case "first":
                guard let k = o.keys.first else { return nil }
                return .array([.string(k), o[k]!])
            default: return nil
            }
        case .array(let a):
            switch key {
            case "size": return .int(a.count)
            case "first": return a.first
            case "last": return a.last
            default: return nil
            }
        case .string(let s), .safe(let s):
            return key == "size" ? .int(s.characterCount) : nil
        case .range(let lo, let hi):
            switch key {
            case "size": return .int(Value.rangeCount(lo, hi))
            case "first": return hi >= lo ? .int(lo) : nil
            case "last": return hi >= lo ? .int(hi) : nil
            default: return nil
            }
        case .drop(let d): return d.value(forKey: key)
        default: return nil
        }
    }

    static func element(of value: Value, _ index: Int) -> Value? {
        switch value {
        case .array(let a):
            let i = index < 0 ? a.count &+ index : index
            return i >= 0 && i < a.count ? a[i] : nil
        case .range(let lo, let hi):
            let count = Value.rangeCount(lo, hi)
            let i = index < 0 ? count &+ index : index
            return i >= 0 && i < count ? .int(lo &+ i) : nil
        case .object(let o): return o[String(index)]
        default: return nil
        }
    }

    // MARK: - Expressions

    /// Evaluates an expression with its filters.
    func evaluate(_ fe: FilteredExpression) throws -> Value {
        let lenient = fe.hasDefault
        var value: Value
        if let path = fe.unmanagedPath {
            value = try path._withUnsafeGuaranteedRef { try resolve($0, lenient: lenient) }
        } else {
            value = try evaluate(fe.expression)
        }
        for call in fe.unmanagedFilters {
            value = try call._withUnsafeGuaranteedRef { try apply($0, to: value) }
        }
        return value
    }

    /// Applies one filter call to `value`, charging it to the budget and checking the size of its result.
    @inline(__always) func apply(_ call: FilterCall, to value: Value) throws -> Value {
        let result = try invoke(call, value)
        try meter(call, input: value, output: result)
        return result
    }

    @inline(__always) func invoke(_ call: FilterCall, _ value: Value) throws -> Value {
        if let unary = call.unary {
            do {
                return try unary(value)
            } catch let error as FilterError {
                throw LiquidError(error.kind, "filter '\(call.name)': \(error.message)", offset: call.offset)
            }
        }
        guard let body = call.body else { return value }
        let args: FilterArguments
        if let constant = call.constantArguments {
            args = constant
        } else {
            // Reuse one buffer per render: once the previous filter call has returned, the
            // buffer is uniquely referenced again and appending does not allocate.
            var positional = argumentBuffer
            argumentBuffer = []
            positional.removeAll(keepingCapacity: true)
            for e in call.arguments { positional.append(try evaluate(e)) }
            var a = FilterArguments(positional: positional)
            for (k, e) in call.keywords { a.keywords.append((k, try evaluate(e))) }
            args = a
        }
        defer {
            if call.constantArguments == nil { argumentBuffer = args.positional }
        }
        do {
            if let metered = call.metered { return try metered(value, args, self) }
            return try body(value, args, environment)
        } catch let error as FilterError {
            throw LiquidError(error.kind, "filter '\(call.name)': \(error.message)", offset: call.offset)
        } catch var error as LiquidError {
            if error.offset == nil { error.offset = call.offset }
            throw error
        }
    }

    func evaluate(_ e: Expression) throws -> Value {
        switch e {
        case .literal(let v): return v
        case .variable(let path): return try resolve(path)
        case .range(let a, let b):
            let lo = try evaluate(a), hi = try evaluate(b)
            guard let l = Value.rangeBound(lo), let h = Value.rangeBound(hi) else {
                throw LiquidError(.type, "range bounds must be numbers", offset: nil)
            }
            return .range(l, h)
        case .compare(let op, let a, let b, let offset):
            return .bool(try compare(op, try evaluate(a), try evaluate(b), offset: offset))
        case .and(let a, let b):
            return .bool(try evaluate(a).isTruthy && evaluate(b).isTruthy)
        case .or(let a, let b):
            return .bool(try evaluate(a).isTruthy || evaluate(b).isTruthy)
        }
    }

    func compare(_ op: Comparison, _ a: Value, _ b: Value, offset: Int) throws -> Bool {
        try chargeComparison(op, a, b)
        switch op {
        case .equal: return a.liquidEquals(b)
        case .notEqual: return !a.liquidEquals(b)
        case .contains:
            switch (a, b) {
            case (_, .null), (_, .bool(false)): return false
            case (.string(let s), _), (.safe(let s), _):
                let needle = b.liquidString
                return s.containsBytes(needle)
            case (.array(let items), _): return items.contains { $0.liquidEquals(b) }
            case (.object(let o), _):
                guard let k = b.stringValue else { return false }
                return o[k] != nil
            case (.range(let lo, let hi), .int(let i)): return i >= lo && i <= hi
            default: return false
            }
        default:
            switch (a, b) {
            case (.empty, _), (.blank, _), (_, .empty), (_, .blank), (.null, _), (_, .null): return false
            default: break
            }
            guard let c = a.liquidCompare(b) else {
                throw LiquidError(.type, "cannot compare values of different types", offset: offset)
            }
            switch op {
            case .less: return c < 0
            case .greater: return c > 0
            case .lessOrEqual: return c <= 0
            default: return c >= 0
            }
        }
    }
}

extension RenderContext {
    /// Charges a comparison whose cost grows with its operands: `contains` reads its whole left
    /// side (a string or an array), and comparing two strings or two collections reads the shorter.
    @inline(__always) func chargeComparison(_ op: Comparison, _ a: Value, _ b: Value) throws {
        switch (op, a, b) {
        case (.contains, .string, _), (.contains, .safe, _), (.contains, .array, _): try spend(a.workSize)
        case (.contains, _, _): break
        case (_, .string, .string), (_, .string, .safe), (_, .safe, .string), (_, .safe, .safe), (_, .array, .array), (_, .object, .object):
            try spend(min(a.workSize, b.workSize))
        case (_, .array, .range): try spend(a.workSize)
        case (_, .range, .array): try spend(b.workSize)
        case (_, .string, .blank), (_, .safe, .blank): try spend(a.workSize)
        case (_, .blank, .string), (_, .blank, .safe): try spend(b.workSize)
        default: break
        }
    }
}

/// Loop variables and partial arguments, innermost last; names and values in parallel arrays so
/// a lookup compares names without copying values.
struct Scope {
    var names: [String] = []
    var values: [Value] = []

    var count: Int { names.count }

    mutating func push(_ name: String, _ value: Value) {
        names.append(name)
        values.append(value)
    }

    mutating func pop() {
        names.removeLast()
        values.removeLast()
    }

    mutating func truncate(_ count: Int) {
        if names.count > count {
            names.removeSubrange(count...)
            values.removeSubrange(count...)
        }
    }

    @inline(__always) func index(of name: String) -> Int? {
        var i = names.count - 1
        while i >= 0 {
            if names[i] == name { return i }
            i -= 1
        }
        return nil
    }
}

/// Template-level variables (`assign`, `capture`): names with their hashes (computed at parse time
/// for the tags that set them) and values, in one array. Templates assign a handful of names, so a
/// scan over hashes beats hashing each name into a dictionary on every read and write.
struct Locals {
    struct Entry {
        let hash: Int
        let name: String
        var value: Value
    }

    var entries: [Entry] = []

    @inline(__always) func index(of name: String, hash: Int) -> Int? {
        var i = 0
        let n = entries.count
        while i < n {
            if entries[i].hash == hash && entries[i].name == name { return i }
            i += 1
        }
        return nil
    }

    @inline(__always) func value(at i: Int) -> Value { entries[i].value }

    mutating func set(_ name: String, hash: Int, _ value: Value) {
        if let i = index(of: name, hash: hash) {
            entries[i].value = value
        } else {
            if entries.isEmpty { entries.reserveCapacity(16) }
            entries.append(Entry(hash: hash, name: name, value: value))
        }
    }

    mutating func set(_ name: String, _ value: Value) {
        set(name, hash: LiquidObject.hash(name), value)
    }
}
