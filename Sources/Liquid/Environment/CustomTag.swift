/// A tag registered by the application.
///
/// `parse` runs once per template parse and returns a node; the node's `render` runs on every render.
/// Block tags (`endTag` set) receive their parsed body.
public struct TagDefinition: Sendable {
    public let name: String
    /// The closing tag of a block tag (e.g. `"endspaceless"`), or `nil` for a simple tag.
    public let endTag: String?
    let parse: @Sendable (TagContext) throws -> any LiquidNode

    public init(_ name: String, endTag: String? = nil, parse: @escaping @Sendable (TagContext) throws -> any LiquidNode) {
        self.name = name
        self.endTag = endTag
        self.parse = parse
    }
}

/// What a custom tag's parser receives.
public struct TagContext: Sendable {
    /// The markup after the tag name.
    public let markup: String
    /// The parsed body of a block tag.
    public let body: LiquidBlock?
    let environment: Environment

    /// Parses `text` as an expression with optional filters (`product.price | times: 2`).
    public func expression(_ text: String) throws -> LiquidExpression {
        let bytes = Array(text.utf8)
        var parser = try ExpressionParser(src: bytes, start: 0, end: bytes.count, environment: environment)
        let e = try parser.parseFiltered()
        try parser.expectEnd()
        return LiquidExpression(filtered: e)
    }
}

/// A node produced by a custom tag.
public protocol LiquidNode: Sendable {
    /// Renders into `output` (UTF-8 bytes).
    func render(in context: RenderContext, into output: inout [UInt8]) throws
    /// Whether the node produces no output (affects whitespace of blank blocks).
    var isBlank: Bool { get }
}

extension LiquidNode {
    public var isBlank: Bool { false }
}

/// A parsed expression a custom tag can evaluate.
public struct LiquidExpression: Sendable {
    let filtered: FilteredExpression

    /// Evaluates the expression and its filters.
    public func evaluate(in context: RenderContext) throws -> Value {
        try context.evaluate(filtered)
    }
}

/// A parsed block body a custom tag can render.
public struct LiquidBlock: Sendable {
    let block: Block
    /// Keeps the block's text alive as long as the application holds the block.
    let arena: TextArena

    /// Renders the block into `output`.
    public func render(in context: RenderContext, into output: inout [UInt8]) throws {
        try context.render(block, into: &output)
    }
}
