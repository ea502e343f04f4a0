/// One step of a variable path: `.name`, `[0]`, or `[expression]`.
enum PathSegment: Sendable {
    case key(String)
    case index(Int)
    case dynamic(Expression)
}

/// A variable reference with its path precomputed at parse time, e.g. `product.tags[0]`.
struct VariablePath: Sendable {
    /// The first segment: a name, or a bracketed expression (`[name]`, `['a b']`).
    var root: PathSegment
    var segments: [PathSegment]
    /// The source text, for `forloop.name` and static analysis.
    var text: String
    var offset: Int

    /// The root name when it is a plain identifier.
    var rootName: String? {
        if case .key(let k) = root { return k }
        return nil
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
struct FilterCall: Sendable {
    var name: String
    /// `nil` for an unknown filter in lax mode: the value passes through.
    var filter: Filter?
    var arguments: [Expression]
    var keywords: [(name: String, value: Expression)]
    /// All arguments are literals: evaluated once at parse time.
    var constantArguments: FilterArguments?
    var offset: Int
}

/// An expression followed by filters: `{{ x | upcase | append: "!" }}`.
struct FilteredExpression: Sendable {
    var expression: Expression
    var filters: [FilterCall]
    var offset: Int
}
