/// What rendering a node costs in ``ResourceLimits/workUnits``, as far as it is known at parse time:
/// one unit for the node, one per expression term and path segment it evaluates, and one per byte
/// of template text. A ``Block`` adds these up once, so the renderer charges a whole block with one
/// subtraction when it enters it. Costs known only while rendering (filter calls, bytes of output
/// values, child blocks, partials) are charged as they happen.
extension Node {
    var staticWork: Int {
        switch self {
        case .text(let span): return 1 &+ span.bytes.count
        case .output(let fe): return 1 &+ fe.staticWork
        case .assign(let a): return 1 &+ a.value.staticWork
        case .conditional(let c): return c.branches.reduce(1) { $0 &+ ($1.condition?.staticWork ?? 0) }
        case .caseTag(let c): return c.branches.reduce(1 &+ c.subject.staticWork) { $0 &+ ($1.value?.staticWork ?? 0) }
        case .forLoop(let f): return 1 &+ f.collection.staticWork &+ (f.limit?.staticWork ?? 0) &+ (f.offset?.staticWork ?? 0)
        case .tablerow(let t):
            return 1 &+ t.collection.staticWork &+ (t.cols?.staticWork ?? 0) &+ (t.limit?.staticWork ?? 0) &+ (t.offset?.staticWork ?? 0)
        case .cycle(let c): return c.values.reduce(1 &+ (c.group?.staticWork ?? 0)) { $0 &+ $1.staticWork }
        case .include(let p), .render(let p):
            return p.keywords.reduce(1 &+ p.name.staticWork &+ (p.bound?.staticWork ?? 0)) { $0 &+ $1.value.staticWork }
        default: return 1
        }
    }
}

extension FilteredExpression {
    /// The expression and the filters' arguments; the calls themselves are charged when made.
    var staticWork: Int {
        filters.reduce(expression.staticWork) { total, call in
            call.keywords.reduce(call.arguments.reduce(total) { $0 &+ $1.staticWork }) { $0 &+ $1.value.staticWork }
        }
    }
}

extension Expression {
    var staticWork: Int {
        switch self {
        case .literal: return 1
        case .variable(let path): return path.staticWork
        case .range(let a, let b), .compare(_, let a, let b, _), .and(let a, let b), .or(let a, let b):
            return 1 &+ a.staticWork &+ b.staticWork
        }
    }
}

extension VariablePath {
    var staticWork: Int {
        var work = 1
        if case .dynamic(let e) = root { work &+= e.staticWork }
        for segment in segments {
            work &+= 1
            if case .dynamic(let e) = segment { work &+= e.staticWork }
        }
        return work
    }
}
