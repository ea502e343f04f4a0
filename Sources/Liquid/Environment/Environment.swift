public import Foundation
import Synchronization

/// How forgiving parsing is.
public enum ParseMode: Sendable {
    /// Unknown filters pass their input through unchanged; lists in `when` stop at the first
    /// unexpected token (as the reference implementation's lax parser does).
    case lax
    /// Unknown filters and malformed `when` lists are errors.
    case strict
}

/// What happens when a template reads a variable that does not exist.
public enum UndefinedPolicy: Sendable {
    /// Undefined values render as empty and are falsy.
    case lax
    /// Reading an undefined variable is an error, except as the input of a `default` filter.
    case strict
}

/// Limits that stop a hostile or buggy template with ``LiquidError/Kind/limitExceeded`` instead of
/// exhausting memory or time.
///
/// Templates come from people who are not programmers (and from a dashboard), so every render is
/// bounded in memory (`outputBytes`, `valueBytes`, and `workUnits`, which also bounds the bytes a
/// render builds in total) and in time (`workUnits`, with `renderTime` as a wall-clock backstop).
/// The defaults stop any render within about a second on a slow machine, and leave ordinary email
/// templates a thousand times the room they need.
public struct ResourceLimits: Sendable {
    /// Total loop iterations (`for`, `tablerow`, `render … for`) in one render.
    public var loopIterations: Int
    /// Maximum output size in bytes, also the maximum size of each `capture` buffer.
    public var outputBytes: Int
    /// Maximum nesting of blocks when parsing.
    public var nestingDepth: Int
    /// Maximum depth of `include`/`render` inside each other.
    public var partialDepth: Int
    /// Maximum size of one value built while rendering: a string returned by a filter or stored by
    /// `assign`/`capture` (in UTF-8 bytes), or an array (counted as ``bytesPerItem`` bytes an item).
    /// Filters that multiply their input (`append`, `replace`, `join`, `split`, …) check it before
    /// they build, so a doubling loop stops at this size rather than at the memory's.
    public var valueBytes: Int
    /// Work one render may do, in units: one for each tag, output, condition term and path segment
    /// (a filter call costs ``filterWork``, a partial ``partialWork``), plus one for each byte a
    /// filter reads or builds and each byte written to the output or a capture (an array item
    /// counts as ``bytesPerItem`` bytes).
    /// Shared with the `render` partials it starts. Because built bytes are charged, it also bounds
    /// the memory a render can allocate in total.
    public var workUnits: Int
    /// Wall-clock time one render may take, `nil` for no limit: a backstop for work that costs more
    /// than its units. Read every ``clockInterval`` units of work, never per node.
    public var renderTime: Duration?

    /// The size an array item counts for in ``valueBytes`` and ``workUnits``: roughly what a value
    /// occupies in memory, and what reading one costs against reading a byte.
    public static let bytesPerItem = 16
    /// Units charged for a filter call, on top of the bytes it reads and builds: a call costs
    /// about as much as rendering four nodes.
    public static let filterWork = 4
    /// Units charged for entering a partial (`include`/`render`), on top of its nodes: looking it
    /// up and setting up its scope cost about as much as rendering a hundred nodes.
    public static let partialWork = 128
    /// How many units of work pass between two reads of the clock for ``renderTime``.
    public static let clockInterval = 16_384

    public init(
        loopIterations: Int = 1_000_000, outputBytes: Int = 16 << 20, nestingDepth: Int = 100, partialDepth: Int = 25,
        valueBytes: Int = 4 << 20, workUnits: Int = 20_000_000, renderTime: Duration? = .seconds(2)
    ) {
        self.loopIterations = loopIterations
        self.outputBytes = outputBytes
        self.nestingDepth = nestingDepth
        self.partialDepth = partialDepth
        self.valueBytes = valueBytes
        self.workUnits = workUnits
        self.renderTime = renderTime
    }

    /// The most items an array may hold under ``valueBytes``.
    var valueItems: Int { valueBytes / Self.bytesPerItem }
}

/// Everything templates are parsed and rendered with: the filter and tag registries, the parse mode,
/// the undefined policy, autoescape, the loader for partials and resource limits.
///
/// An environment is immutable and `Sendable`; build one at startup and share it.
public final class Environment: Sendable {
    public let mode: ParseMode
    public let undefined: UndefinedPolicy
    /// HTML-escape values on output unless they are marked safe (the `safe` filter).
    public let autoescape: Bool
    public let loader: (any TemplateLoader)?
    public let limits: ResourceLimits
    /// Time zone for the `date` filter.
    public let timeZone: TimeZone
    /// Gregorian calendar in ``timeZone``, built once (building calendars is expensive).
    let calendar: Calendar
    let filters: [String: Filter]
    let tags: [String: TagDefinition]
    let partialCache = PartialCache()

    /// - Parameters:
    ///   - mode: lax or strict parsing.
    ///   - undefined: the undefined-variable policy.
    ///   - autoescape: HTML-escape output values unless marked safe.
    ///   - loader: where `include` and `render` find partials.
    ///   - limits: resource limits.
    ///   - filters: application filters, added to (or replacing) the standard ones.
    ///   - tags: application tags.
    ///   - timeZone: the time zone of the `date` filter.
    public init(
        mode: ParseMode = .lax,
        undefined: UndefinedPolicy = .lax,
        autoescape: Bool = false,
        loader: (any TemplateLoader)? = nil,
        limits: ResourceLimits = ResourceLimits(),
        filters: [Filter] = [],
        tags: [TagDefinition] = [],
        timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) {
        self.mode = mode
        self.undefined = undefined
        self.autoescape = autoescape
        self.loader = loader
        self.limits = limits
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        var registry = StandardFilters.all
        for f in filters { registry[f.name] = f }
        self.filters = registry
        var tagRegistry: [String: TagDefinition] = [:]
        for t in tags { tagRegistry[t.name] = t }
        self.tags = tagRegistry
    }

    /// Names of the registered filters (standard and application ones), sorted: what templates can call.
    public var filterNames: [String] { filters.keys.sorted() }

    /// The registered filter called `name`, if any.
    public func filter(named name: String) -> Filter? { filters[name] }

    /// Parses `source` into a reusable, immutable template.
    /// - Parameters:
    ///   - source: the template text.
    ///   - name: a name for error messages (e.g. a file name).
    /// - Throws: ``LiquidError`` with the location of the first syntax error.
    public func parse(_ source: String, name: String? = nil) throws -> Template {
        try Template(source: source, name: name, environment: self)
    }

    /// Parses and renders in one step.
    public func render(_ source: String, _ data: Value = .object(LiquidObject()), name: String? = nil) throws -> String {
        try parse(source, name: name).render(data)
    }

    func resolveFilter(_ name: String, args: [Expression], keywords: [(name: String, value: Expression)], offset: Int) throws -> FilterCall {
        var constant: FilterArguments? = FilterArguments()
        for a in args {
            if case .literal(let v) = a { constant?.positional.append(v) } else { constant = nil; break }
        }
        if constant != nil {
            for (k, e) in keywords {
                if case .literal(let v) = e { constant?.keywords.append((k, v)) } else { constant = nil; break }
            }
        }
        guard let filter = filters[name] else {
            if mode == .strict { throw LiquidError(.unknownFilter, "unknown filter '\(name)'", offset: offset) }
            return FilterCall(name: name, filter: nil, arguments: args, keywords: keywords, constantArguments: constant, offset: offset)
        }
        if args.count < filter.minArguments || (filter.maxArguments.map { args.count > $0 } ?? false) {
            let expected =
                filter.minArguments == filter.maxArguments ? "\(filter.minArguments)" : "\(filter.minArguments) to \(filter.maxArguments.map(String.init) ?? "any")"
            throw LiquidError(.filterArgument, "'\(name)' expects \(expected) argument(s), got \(args.count)", offset: offset)
        }
        for (k, _) in keywords where !filter.keywords.contains(k) {
            throw LiquidError(.filterArgument, "'\(name)' has no argument named '\(k)'", offset: offset)
        }
        return FilterCall(name: name, filter: filter, arguments: args, keywords: keywords, constantArguments: constant, offset: offset)
    }
}

/// Parsed partials, shared by renders of one environment.
final class PartialCache: Sendable {
    private let storage = Mutex<[String: Template]>([:])

    func get(_ name: String) -> Template? { storage.withLock { $0[name] } }
    func set(_ name: String, _ template: Template) { storage.withLock { $0[name] = template } }
}
