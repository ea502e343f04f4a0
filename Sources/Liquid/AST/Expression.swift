/// One step of a variable path: `.name`, `[0]`, or `[expression]`.
enum PathSegment: Sendable {
    case key(String)
    case index(Int)
    case dynamic(Expression)
}

/// A variable reference with its path precomputed at parse time, e.g. `product.tags[0]`.
final class VariablePath: Sendable {
    /// The first segment: a name, or a bracketed expression (`[name]`, `['a b']`).
    let root: PathSegment
    let segments: [PathSegment]
    /// The source text, for `forloop.name` and static analysis.
    let text: String
    let offset: Int

    /// The root name when it is a plain identifier.
    let rootName: String?
    /// Hash of the root name and of each `.key` segment (0 for others), computed once at parse time.
    let rootHash: Int
    let segmentHashes: [Int]
    /// A segment reads `.size`, which costs time proportional to a string: the renderer charges it.
    let readsSize: Bool

    init(root: PathSegment, segments: [PathSegment], text: String, offset: Int) {
        self.root = root
        self.segments = segments
        self.text = text
        self.offset = offset
        if case .key(let k) = root { rootName = k } else { rootName = nil }
        rootHash = rootName.map(LiquidObject.hash) ?? 0
        readsSize = segments.contains { segment in
            if case .key("size") = segment { return true }
            return false
        }
        segmentHashes = segments.map { segment in
            if case .key(let k) = segment { return LiquidObject.hash(k) }
            return 0
        }
    }
}

/// Comparison operators of conditions.
enum Comparison: Sendable {
    case equal, notEqual, less, greater, lessOrEqual, greaterOrEqual, contains
}

/// An expression: literals, variables, ranges and the boolean operators of conditions.
indirect enum Expression: Sendable {
    case literal(Value)
    case variable(VariablePath)
    case range(Expression, Expression)
    case compare(Comparison, Expression, Expression, offset: Int)
    case and(Expression, Expression)
    case or(Expression, Expression)
}

/// A resolved filter and its arguments.
final class FilterCall: Sendable {
    let name: String
    /// `nil` for an unknown filter in lax mode: the value passes through.
    let filter: Filter?
    let arguments: [Expression]
    let keywords: [(name: String, value: Expression)]
    /// All arguments are literals: evaluated once at parse time.
    let constantArguments: FilterArguments?
    let offset: Int
    /// The filter's implementation, held directly so a call retains one closure, not the whole `Filter`.
    let body: (@Sendable (Value, FilterArguments, Environment) throws -> Value)?
    /// The filter takes no arguments: called without building arguments.
    let unary: (@Sendable (Value) throws -> Value)?
    /// The filter charges its own work (see ``Filter/meteredBody``).
    let metered: (@Sendable (Value, FilterArguments, RenderContext) throws -> Value)?
    /// How a call is charged (unknown filters pass their input through: constant).
    let cost: Filter.Cost

    init(name: String, filter: Filter?, arguments: [Expression], keywords: [(name: String, value: Expression)], constantArguments: FilterArguments?, offset: Int) {
        self.name = name
        self.filter = filter
        self.arguments = arguments
        self.keywords = keywords
        self.constantArguments = constantArguments
        self.offset = offset
        self.body = filter?.body
        self.unary = arguments.isEmpty && keywords.isEmpty ? filter?.unaryBody : nil
        self.metered = filter?.meteredBody
        self.cost = filter?.cost ?? .constant
    }
}

/// An expression followed by filters: `{{ x | upcase | append: "!" }}`.
final class FilteredExpression: Sendable {
    let expression: Expression
    let filters: [FilterCall]
    let offset: Int
    /// The first filter is `default`: a missing input is not an error under strict undefined.
    let hasDefault: Bool
    /// The expression's variable when it is one, and the filters, unretained: `expression` and
    /// `filters` own them for the life of this node, and reading them through `Unmanaged` keeps
    /// the render loop free of reference counting (atomic, so expensive).
    let unmanagedPath: Unmanaged<VariablePath>?
    let unmanagedFilters: [Unmanaged<FilterCall>]

    init(expression: Expression, filters: [FilterCall], offset: Int) {
        self.expression = expression
        self.filters = filters
        self.offset = offset
        self.hasDefault = filters.first?.name == "default"
        if case .variable(let path) = expression { unmanagedPath = .passUnretained(path) } else { unmanagedPath = nil }
        self.unmanagedFilters = filters.map { .passUnretained($0) }
    }
}
