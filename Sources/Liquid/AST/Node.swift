/// A parsed block of nodes and whether it is "blank" (renders only whitespace, so the reference
/// implementation drops that whitespace).
struct Block: Sendable {
    let nodes: [Node]
    let isBlank: Bool
    /// `nodes` as the renderer walks them: the same nodes with unretained payloads (`nodes` owns
    /// them), so that walking a block costs no reference counting.
    let steps: [RenderStep]
    /// What rendering the block costs, apart from what is charged as it happens (see `Node+Work.swift`):
    /// charged once on entering the block.
    let work: Int

    init(nodes: [Node], isBlank: Bool) {
        self.nodes = nodes
        self.isBlank = isBlank
        self.steps = nodes.map(RenderStep.init)
        self.work = nodes.reduce(1) { $0 &+ $1.staticWork }
    }

    static let empty = Block(nodes: [], isBlank: true)
}

/// One node of a ``Block`` as rendered: the frequent kinds with an unretained payload, the others
/// by their index in ``Block/nodes``.
///
/// `@unchecked Sendable`: the payloads are immutable nodes owned by the block's `nodes`.
enum RenderStep: @unchecked Sendable {
    case text(TextSpan)
    case output(Unmanaged<FilteredExpression>)
    case assign(Unmanaged<AssignNode>)
    case conditional(Unmanaged<ConditionalNode>)
    case forLoop(Unmanaged<ForNode>)
    /// Any other node: rendered from ``Block/nodes``.
    case node

    init(_ node: Node) {
        switch node {
        case .text(let span): self = .text(span)
        case .output(let fe): self = .output(.passUnretained(fe))
        case .assign(let a): self = .assign(.passUnretained(a))
        case .conditional(let c): self = .conditional(.passUnretained(c))
        case .forLoop(let f): self = .forLoop(.passUnretained(f))
        default: self = .node
        }
    }
}

/// A node of the template tree. Built-in tags are enum cases (switch dispatch, no boxing on the
/// hot path); tags registered by the application are `.custom`.
///
/// Not `indirect`: every payload is a class reference, a small value or a ``TextSpan``, so copying
/// a node while rendering costs at most one reference count (none for text).
enum Node: Sendable {
    case text(TextSpan)
    case output(FilteredExpression)
    case assign(AssignNode)
    case capture(CaptureNode)
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
    case custom(CustomNode)

    /// Blank nodes produce no output of their own (assign, capture, comments, and blocks of blanks).
    var isBlank: Bool {
        switch self {
        case .text(let span): return span.bytes.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        case .assign, .capture, .comment: return true
        case .conditional(let c): return c.branches.allSatisfy(\.body.isBlank)
        case .caseTag(let c): return c.branches.allSatisfy(\.body.isBlank)
        case .forLoop(let f): return f.body.isBlank && (f.elseBody?.isBlank ?? true)
        case .tablerow(let t): return t.body.isBlank
        case .ifchanged(let b), .body(let b): return b.isBlank
        case .custom(let c): return c.node.isBlank
        default: return false
        }
    }
}

/// Template text: a span of the template's ``TextArena``. Writing it retains nothing, which matters
/// because text is most of what a render writes.
///
/// `@unchecked Sendable`: the bytes are immutable and live as long as the arena, which every
/// holder of the node tree (``Template``, ``LiquidBlock``) keeps alive.
struct TextSpan: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

/// The bytes a template's text nodes point into: a copy of the source, allocated once per parse
/// and freed with the last template (or custom-tag block) that holds it.
///
/// `@unchecked Sendable`: written only in `init`, read-only afterwards.
final class TextArena: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<UInt8>

    init(_ source: [UInt8]) {
        storage = .allocate(capacity: max(source.count, 1))
        _ = storage.initialize(from: source)
    }

    deinit { storage.deallocate() }

    /// The text between source offsets `start` and `end`.
    func span(_ start: Int, _ end: Int) -> TextSpan {
        TextSpan(bytes: UnsafeBufferPointer(rebasing: storage[start..<end]))
    }
}

/// `assign name = value`, with the name's hash computed once at parse time.
final class AssignNode: Sendable {
    let name: String
    let hash: Int
    let value: FilteredExpression

    init(name: String, value: FilteredExpression) {
        self.name = name
        self.hash = LiquidObject.hash(name)
        self.value = value
    }
}

/// `capture name` … `endcapture`.
final class CaptureNode: Sendable {
    let name: String
    let hash: Int
    let body: Block

    init(name: String, body: Block) {
        self.name = name
        self.hash = LiquidObject.hash(name)
        self.body = body
    }
}

/// A node produced by an application tag, and where its tag starts (for errors).
final class CustomNode: Sendable {
    let node: any LiquidNode
    let offset: Int

    init(node: any LiquidNode, offset: Int) {
        self.node = node
        self.offset = offset
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
