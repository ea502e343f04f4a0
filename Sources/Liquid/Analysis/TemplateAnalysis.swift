/// What a template reads, found without rendering it: the global variables (with their paths),
/// the partials, and whether each variable use has a `default` fallback.
///
/// Tailor uses this to warn before sending when a profile lacks a trait that a template needs.
public struct TemplateAnalysis: Sendable, Equatable {
    /// One read of a global variable.
    public struct VariableUse: Sendable, Equatable {
        /// The path as written, normalized: `profile.first_name`, `items[0].title`.
        public var path: String
        /// The root variable name (`profile`).
        public var root: String
        /// Whether this use is the input of a `default` filter.
        public var hasDefault: Bool
        /// 1-based line and column of the use.
        public var line: Int
        public var column: Int
    }

    /// A partial named by `include` or `render`.
    public struct PartialUse: Sendable, Equatable {
        /// The partial's name, or `nil` when it is computed at render time.
        public var name: String?
        /// `include` or `render`.
        public var tag: String
        public var line: Int
    }

    /// Every read of a variable that is not defined by the template itself (assign, capture,
    /// loop variables), in source order.
    public var variableUses: [VariableUse] = []
    /// Partials in source order.
    public var partials: [PartialUse] = []
    /// Variables the template defines (`assign`, `capture`, `increment`, …).
    public var definedVariables: Set<String> = []

    /// Distinct global variable paths, in first-use order.
    public var variables: [String] {
        var seen: Set<String> = []
        return variableUses.compactMap { seen.insert($0.path).inserted ? $0.path : nil }
    }

    /// Paths where every use has a `default` fallback.
    public var variablesWithDefault: Set<String> {
        Set(variables.filter { p in variableUses.allSatisfy { $0.path != p || $0.hasDefault } })
    }

    /// Paths with at least one use lacking a `default` fallback: these render empty when missing.
    public var variablesWithoutDefault: [String] {
        let withDefault = variablesWithDefault
        return variables.filter { !withDefault.contains($0) }
    }
}

extension Template {
    /// Analyzes the template's variables and partials (see ``TemplateAnalysis``).
    public func analyze() -> TemplateAnalysis {
        var walker = AnalysisWalker(source: source)
        walker.walk(root)
        return walker.result
    }
}

private struct AnalysisWalker {
    let source: [UInt8]
    var result = TemplateAnalysis()
    /// Names in scope: assigned so far, or loop variables of enclosing loops.
    var defined: Set<String> = []

    init(source: [UInt8]) {
        self.source = source
    }

    func location(_ offset: Int) -> (Int, Int) {
        var error = LiquidError(.syntax, "", offset: offset)
        error.locate(in: source, name: nil)
        return (error.line ?? 1, error.column ?? 1)
    }

    mutating func walk(_ block: Block) {
        for node in block.nodes { walk(node) }
    }

    mutating func scoped(_ names: [String], _ body: (inout AnalysisWalker) -> Void) {
        let saved = defined
        for n in names { defined.insert(n) }
        body(&self)
        // Assigns inside the block stay visible afterwards; loop variables do not.
        let assigned = defined.subtracting(names)
        defined = saved.union(assigned)
    }

    mutating func define(_ name: String) {
        defined.insert(name)
        result.definedVariables.insert(name)
    }

    mutating func walk(_ node: Node) {
        switch node {
        case .text, .comment, .breakLoop, .continueLoop: break
        case .output(let fe): visit(fe)
        case .assign(let a):
            visit(a.value)
            define(a.name)
        case .capture(let c):
            walk(c.body)
            define(c.name)
        case .conditional(let c):
            for b in c.branches {
                if let cond = b.condition { visit(cond, hasDefault: false) }
                walk(b.body)
            }
        case .caseTag(let c):
            visit(c.subject, hasDefault: false)
            for b in c.branches {
                if let v = b.value { visit(v, hasDefault: false) }
                walk(b.body)
            }
        case .forLoop(let f):
            visit(f.collection, hasDefault: false)
            if let l = f.limit { visit(l, hasDefault: false) }
            if let o = f.offset { visit(o, hasDefault: false) }
            scoped([f.variable, "forloop"]) { $0.walk(f.body) }
            if let e = f.elseBody { walk(e) }
        case .tablerow(let t):
            visit(t.collection, hasDefault: false)
            for e in [t.cols, t.limit, t.offset].compactMap({ $0 }) { visit(e, hasDefault: false) }
            scoped([t.variable, "tablerowloop"]) { $0.walk(t.body) }
        case .cycle(let c):
            if let g = c.group { visit(g, hasDefault: false) }
            for v in c.values { visit(v, hasDefault: false) }
        case .increment(let name), .decrement(let name):
            define(name)
        case .ifchanged(let b), .body(let b):
            walk(b)
        case .include(let p), .render(let p):
            let isInclude: Bool
            if case .include = node { isInclude = true } else { isInclude = false }
            var name: String?
            if case .literal(.string(let s)) = p.name { name = s } else { visit(p.name, hasDefault: false) }
            if let b = p.bound { visit(b, hasDefault: false) }
            for (_, e) in p.keywords { visit(e, hasDefault: false) }
            result.partials.append(TemplateAnalysis.PartialUse(name: name, tag: isInclude ? "include" : "render", line: location(p.offset).0))
        case .custom:
            break
        }
    }

    mutating func visit(_ fe: FilteredExpression) {
        visit(fe.expression, hasDefault: fe.filters.first?.name == "default")
        for f in fe.filters {
            for a in f.arguments { visit(a, hasDefault: false) }
            for (_, e) in f.keywords { visit(e, hasDefault: false) }
        }
    }

    mutating func visit(_ e: Expression, hasDefault: Bool) {
        switch e {
        case .literal: break
        case .range(let a, let b):
            visit(a, hasDefault: false)
            visit(b, hasDefault: false)
        case .compare(_, let a, let b, _), .and(let a, let b), .or(let a, let b):
            visit(a, hasDefault: false)
            visit(b, hasDefault: false)
        case .variable(let path):
            for segment in [path.root] + path.segments {
                if case .dynamic(let inner) = segment { visit(inner, hasDefault: false) }
            }
            guard let root = path.rootName ?? {
                if case .index(let i) = path.root { return String(i) }
                return nil
            }() else { return }
            if defined.contains(root) { return }
            let (line, column) = location(path.offset)
            result.variableUses.append(
                TemplateAnalysis.VariableUse(path: Self.normalized(path), root: root, hasDefault: hasDefault, line: line, column: column))
        }
    }

    static func normalized(_ path: VariablePath) -> String {
        var text = ""
        switch path.root {
        case .key(let k): text = k
        case .index(let i): text = String(i)
        case .dynamic: text = "[…]"
        }
        for segment in path.segments {
            switch segment {
            case .key(let k): text += "." + k
            case .index(let i): text += "[\(i)]"
            case .dynamic(let e):
                if case .variable(let p) = e { text += "[\(p.text)]" } else { text += "[…]" }
            }
        }
        return text
    }
}
