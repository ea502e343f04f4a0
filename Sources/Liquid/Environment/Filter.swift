/// Arguments passed to a filter: positional (`| slice: 1, 2`) and keyword (`| default: x, allow_false: true`).
public struct FilterArguments: Sendable {
    /// Positional arguments in order.
    public var positional: [Value]
    /// Keyword arguments in order.
    public var keywords: [(name: String, value: Value)]

    public init(positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The positional argument at `index`, or `nil` when absent.
    @inlinable public subscript(index: Int) -> Value? {
        index < positional.count ? positional[index] : nil
    }

    /// The keyword argument `name`, or `nil` when absent.
    public func keyword(_ name: String) -> Value? {
        for (k, v) in keywords where k == name { return v }
        return nil
    }

    /// Number of positional arguments.
    public var count: Int { positional.count }
}

/// A filter: a named function from an input value and arguments to a new value.
///
/// Register application filters (e.g. `money`) through ``Environment/init(mode:undefined:autoescape:loader:limits:filters:tags:timeZone:)``.
public struct Filter: Sendable {
    /// The name used in templates.
    public let name: String
    /// Minimum number of positional arguments.
    public let minArguments: Int
    /// Maximum number of positional arguments (`nil`: unlimited).
    public let maxArguments: Int?
    /// Keyword arguments the filter accepts (others are an error).
    public let keywords: Set<String>
    let body: @Sendable (Value, FilterArguments, Environment) throws -> Value
    /// Set for filters without arguments: called directly, without building arguments.
    let unaryBody: (@Sendable (Value) throws -> Value)?
    /// Set for standard filters whose work is not proportional to their input and output (sorting,
    /// de-duplicating, measuring): called instead of `body`, with the render, to charge that work.
    let meteredBody: (@Sendable (Value, FilterArguments, RenderContext) throws -> Value)?
    /// How a call is charged to the render's work budget.
    var cost: Cost = .linear

    /// How the renderer charges a filter call to ``ResourceLimits/workUnits``.
    enum Cost: Sendable {
        /// ``ResourceLimits/filterWork``: the filter hands back part of its input or a number in
        /// constant time (`first`, `default`). It builds nothing, so its result is not checked
        /// against ``ResourceLimits/valueBytes``.
        case constant
        /// ``ResourceLimits/filterWork``, plus the size of the input and of the result, whose size
        /// is checked against ``ResourceLimits/valueBytes``. Application filters are charged this way.
        case linear
    }

    /// - Parameters:
    ///   - name: the name used in templates.
    ///   - arguments: allowed number of positional arguments, checked at parse time.
    ///   - keywords: allowed keyword arguments.
    ///   - body: the implementation; throw ``FilterError`` for bad input (its message must not contain data values).
    public init(
        _ name: String,
        arguments: ClosedRange<Int> = 0...0,
        keywords: Set<String> = [],
        _ body: @escaping @Sendable (Value, FilterArguments, Environment) throws -> Value
    ) {
        self.name = name
        self.minArguments = arguments.lowerBound
        self.maxArguments = arguments.upperBound == Int.max ? nil : arguments.upperBound
        self.keywords = keywords
        self.body = body
        self.unaryBody = nil
        self.meteredBody = nil
    }

    init(
        metered name: String, arguments: ClosedRange<Int> = 0...0, keywords: Set<String> = [],
        _ body: @escaping @Sendable (Value, FilterArguments, RenderContext) throws -> Value
    ) {
        self.name = name
        self.minArguments = arguments.lowerBound
        self.maxArguments = arguments.upperBound == Int.max ? nil : arguments.upperBound
        self.keywords = keywords
        self.body = { _, _, _ in throw FilterError("filter '\(name)' can only run inside a render") }
        self.unaryBody = nil
        self.meteredBody = body
    }

    init(unary name: String, _ body: @escaping @Sendable (Value) throws -> Value) {
        self.name = name
        self.minArguments = 0
        self.maxArguments = 0
        self.keywords = []
        self.body = { v, _, _ in try body(v) }
        self.unaryBody = body
        self.meteredBody = nil
    }

    /// A standard filter that charges its own work to the render: see ``meteredBody``.
    static func metered(
        _ name: String, arguments: ClosedRange<Int> = 0...0, keywords: Set<String> = [],
        _ body: @escaping @Sendable (Value, FilterArguments, RenderContext) throws -> Value
    ) -> Filter {
        Filter(metered: name, arguments: arguments, keywords: keywords, body)
    }

    /// This filter, charged as `cost`.
    func costing(_ cost: Cost) -> Filter {
        var f = self
        f.cost = cost
        return f
    }

    /// A filter taking no arguments.
    public static func unary(_ name: String, _ body: @escaping @Sendable (Value) throws -> Value) -> Filter {
        Filter(unary: name, body)
    }

    /// A filter taking exactly one argument.
    public static func binary(_ name: String, _ body: @escaping @Sendable (Value, Value) throws -> Value) -> Filter {
        Filter(name, arguments: 1...1) { v, a, _ in try body(v, a.positional[0]) }
    }
}
