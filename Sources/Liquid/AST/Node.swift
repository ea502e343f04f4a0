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

struct ConditionalBranch: Sendable {
    var condition: Expression?
    var negate: Bool
    var body: Block
}

struct ConditionalNode: Sendable {
    var branches: [ConditionalBranch]
}

struct CaseBranch: Sendable {
    /// `nil` for `else`.
    var value: Expression?
    var body: Block
}

struct CaseNode: Sendable {
    var subject: Expression
    var branches: [CaseBranch]
}

struct ForNode: Sendable {
    var variable: String
    var collection: Expression
    /// `var-collection`, the key for `offset: continue` and `forloop.name`.
    var name: String
    var limit: Expression?
    var offset: Expression?
    var offsetContinue: Bool
    var reversed: Bool
    var body: Block
    var elseBody: Block?
    var sourceOffset: Int
}

struct TableRowNode: Sendable {
    var variable: String
    var collection: Expression
    var cols: Expression?
    var limit: Expression?
    var offset: Expression?
    var body: Block
    var sourceOffset: Int
}

struct CycleNode: Sendable {
    var group: Expression?
    var key: String
    var values: [Expression]
}

struct PartialNode: Sendable {
    var name: Expression
    /// `with` / `for` target and whether it is `for`.
    var bound: Expression?
    var isFor: Bool
    var alias: String?
    var keywords: [(name: String, value: Expression)]
    var offset: Int
}
