/// A parsed template: immutable and `Sendable`, so it can be parsed once and rendered from many
/// tasks at once.
public struct Template: Sendable {
    /// The name given when parsing (for error messages), if any.
    public let name: String?
    /// The environment the template was parsed with (filters, tags, policies).
    public let environment: Environment
    let source: [UInt8]
    /// The bytes the text nodes of `root` point into.
    let arena: TextArena
    let root: Block
    /// Whether the template uses `offset: continue`: only then do loops record where they stopped.
    let mentionsContinue: Bool

    init(source: String, name: String?, environment: Environment) throws {
        self.name = name
        self.environment = environment
        self.source = Array(source.utf8)
        let arena = TextArena(self.source)
        self.arena = arena
        do {
            let tokens = try Lexer(src: self.source).tokenize()
            var parser = Parser(src: self.source, arena: arena, tokens: tokens, environment: environment)
            self.root = try parser.parseDocument()
            self.mentionsContinue = parser.sawOffsetContinue
        } catch var error as LiquidError {
            error.locate(in: self.source, name: name)
            throw error
        }
    }

    /// Renders with `data` (an object whose keys become global variables).
    /// - Throws: ``LiquidError`` with the location of the failing node.
    public func render(_ data: Value = .object(LiquidObject())) throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(source.count + source.count / 2)
        try render(data, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Renders with `data`, appending UTF-8 bytes to `output`.
    public func render(_ data: Value, into output: inout [UInt8]) throws {
        let globals: LiquidObject
        if case .object(let o) = data { globals = o } else { globals = LiquidObject() }
        let context = RenderContext(environment: environment, globals: globals)
        try render(context: context, into: &output)
    }

    func render(context: RenderContext, into output: inout [UInt8]) throws {
        if mentionsContinue { context.recordLoopOffsets = true }
        do {
            try context.render(root, into: &output)
        } catch var error as LiquidError {
            error.locate(in: source, name: name)
            throw error
        }
    }
}
