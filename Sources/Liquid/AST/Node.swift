/// A parsed block of nodes and whether it is "blank" (renders only whitespace, so the reference
/// implementation drops that whitespace).
struct Block: Sendable {
    var nodes: [Node]
    var isBlank: Bool

    static let empty = Block(nodes: [], isBlank: true)
}

/// A node of the template tree. Built-in tags are enum cases (switch dispatch, no boxing on the
/// hot path); tags registered by the application are `.custom`.
indirect enum Node: Sendable {
    case text([UInt8])
    case output(FilteredExpression)
    case assign(name: String, value: FilteredExpression)
    case capture(name: String, body: Block)
    /// `if`, `unless` (first condition negated) and their `elsif`/`else` branches; `else` has condition `nil`.
    case conditional(ConditionalNode)
    case caseTag(CaseNode)
    case forLoop(ForNode)
    case tablerow(TableRowNode)
    case cycle(CycleNode)
    case increment(String)
    case decrement(String)
    case breakLoop
    case continueLoop
    case ifchanged(Block)
    case body(Block)
    case include(PartialNode)
    case render(PartialNode)
    case comment
    case custom(any LiquidNode, offset: Int)

    /// Blank nodes produce no output of their own (assign, capture, comments, and blocks of blanks).
    var isBlank: Bool {
        switch self {
        case .text(let bytes): return bytes.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        case .assign, .capture, .comment: return true
        case .conditional(let c): return c.branches.allSatisfy(\.body.isBlank)
        case .caseTag(let c): return c.branches.allSatisfy(\.body.isBlank)
        case .forLoop(let f): return f.body.isBlank && (f.elseBody?.isBlank ?? true)
        case .tablerow(let t): return t.body.isBlank
        case .ifchanged(let b), .body(let b): return b.isBlank
        case .custom(let n, _): return n.isBlank
        default: return false
        }
    }
}

final class ConditionalBranch: Sendable {
    let condition: Expression?
    let negate: Bool
    let body: Block

    init(condition: Expression?, negate: Bool, body: Block) {
        self.condition = condition
        self.negate = negate
        self.body = body
    }
}

final class ConditionalNode: Sendable {
    let branches: [ConditionalBranch]

    init(branches: [ConditionalBranch]) {
        self.branches = branches
    }
}

final class CaseBranch: Sendable {
    /// `nil` for `else`.
    let value: Expression?
    let body: Block

    init(value: Expression?, body: Block) {
        self.value = value
        self.body = body
    }
}

final class CaseNode: Sendable {
    let subject: Expression
    let branches: [CaseBranch]

    init(subject: Expression, branches: [CaseBranch]) {
        self.subject = subject
        self.branches = branches
    }
}

final class ForNode: Sendable {
    let variable: String
    let collection: Expression
    /// `var-collection`, the key for `offset: continue` and `forloop.name`.
    let name: String
    let limit: Expression?
    let offset: Expression?
    let offsetContinue: Bool
    let reversed: Bool
    let body: Block
    let elseBody: Block?
    let sourceOffset: Int

    init(variable: String, collection: Expression, name: String, limit: Expression?, offset: Expression?, offsetContinue: Bool, reversed: Bool, body: Block, elseBody: Block?, sourceOffset: Int) {
        self.variable = variable
        self.collection = collection
        self.name = name
        self.limit = limit
        self.offset = offset
        self.offsetContinue = offsetContinue
        self.reversed = reversed
        self.body = body
        self.elseBody = elseBody
        self.sourceOffset = sourceOffset
    }
}

final class TableRowNode: Sendable {
    let variable: String
    let collection: Expression
    let cols: Expression?
    let limit: Expression?
    let offset: Expression?
    let body: Block
    let sourceOffset: Int

    init(variable: String, collection: Expression, cols: Expression?, limit: Expression?, offset: Expression?, body: Block, sourceOffset: Int) {
        self.variable = variable
        self.collection = collection
        self.cols = cols
        self.limit = limit
        self.offset = offset
        self.body = body
        self.sourceOffset = sourceOffset
    }
}

final class CycleNode: Sendable {
    let group: Expression?
    let key: String
    let values: [Expression]

    init(group: Expression?, key: String, values: [Expression]) {
        self.group = group
        self.key = key
        self.values = values
    }
}

final class PartialNode: Sendable {
    let name: Expression
    /// `with` / `for` target and whether it is `for`.
    let bound: Expression?
    let isFor: Bool
    let alias: String?
    let keywords: [(name: String, value: Expression)]
    let offset: Int

    init(name: Expression, bound: Expression?, isFor: Bool, alias: String?, keywords: [(name: String, value: Expression)], offset: Int) {
        self.name = name
        self.bound = bound
        self.isFor = isFor
        self.alias = alias
        self.keywords = keywords
        self.offset = offset
    }
}
