/// Builds the node tree from tokens. Block tags parse their bodies recursively; the `liquid` tag
/// turns its lines into tag tokens over the same source, so spans stay exact.
struct Parser {
    let src: [UInt8]
    /// Where text nodes point: the same bytes as `src`, owned by the template.
    let arena: TextArena
    let environment: Environment
    var tokens: [Token]
    var index = 0
    var depth = 0
    /// Parsing the lines of a `{% liquid %}` tag.
    let inLiquidTag: Bool
    /// Some loop uses `offset: continue`.
    var sawOffsetContinue = false

    init(src: [UInt8], arena: TextArena, tokens: [Token], environment: Environment, inLiquidTag: Bool = false, depth: Int = 0) {
        self.src = src
        self.arena = arena
        self.tokens = tokens
        self.environment = environment
        self.inLiquidTag = inLiquidTag
        self.depth = depth
    }

    /// Parses the whole document.
    mutating func parseDocument() throws -> Block {
        let (block, end) = try parseBlock(until: [])
        if let end {
            throw LiquidError(.syntax, "unexpected '\(end.name)'", offset: end.token.start)
        }
        return block
    }

    struct EndTag {
        var name: String
        var token: Token
        var markupStart: Int
    }

    // MARK: - Blocks

    /// Parses nodes until one of `endNames` (returned) or the end of input (`nil`).
    mutating func parseBlock(until endNames: Set<String>) throws -> (Block, EndTag?) {
        var nodes: [Node] = []
        var blank = true
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token.kind {
            case .text:
                var s = token.contentStart, e = token.contentEnd
                if index >= 2, tokens[index - 2].trimRight { while s < e, isSpace(src[s]) { s += 1 } }
                if index < tokens.count, tokens[index].trimLeft { while e > s, isSpace(src[e - 1]) { e -= 1 } }
                if s < e {
                    let node = Node.text(arena.span(s, e))
                    if blank && !node.isBlank { blank = false }
                    nodes.append(node)
                }
            case .output:
                var p = try ExpressionParser(src: src, start: token.contentStart, end: token.contentEnd, environment: environment)
                if p.atEnd {
                    blank = false
                    continue
                }
                let e = try p.parseFiltered()
                try p.expectEnd()
                nodes.append(.output(e))
                blank = false
            case .raw:
                nodes.append(.text(arena.span(token.contentStart, token.contentEnd)))
                if token.contentEnd > token.contentStart { blank = false }
            case .doc:
                nodes.append(.comment)
            case .tag:
                let (name, markupStart) = tagName(token)
                if endNames.contains(name) {
                    return (Block(nodes: nodes, isBlank: blank), EndTag(name: name, token: token, markupStart: markupStart))
                }
                let node = try parseTag(name: name, token: token, markupStart: markupStart)
                if let node {
                    if blank && !node.isBlank { blank = false }
                    nodes.append(node)
                }
            }
        }
        return (Block(nodes: nodes, isBlank: blank), nil)
    }

    func tagName(_ token: Token) -> (String, Int) {
        var i = token.contentStart
        let end = token.contentEnd
        while i < end, isSpace(src[i]) { i += 1 }
        if i < end, src[i] == UInt8(ascii: "#") { return ("#", i + 1) }
        let s = i
        while i < end, isWordByte(src[i]) { i += 1 }
        return (String(decoding: src[s..<i], as: UTF8.self), i)
    }

    /// Parses a block body that must end with `endName` (or one of `alternatives`).
    mutating func parseBody(for tag: String, token: Token, ends: Set<String>) throws -> (Block, EndTag) {
        depth += 1
        defer { depth -= 1 }
        if depth > environment.limits.nestingDepth {
            throw LiquidError(.limitExceeded, "blocks nested deeper than \(environment.limits.nestingDepth) (ResourceLimits.nestingDepth)", offset: token.start)
        }
        let (block, end) = try parseBlock(until: ends)
        guard let end else {
            throw LiquidError(.syntax, "'\(tag)' block was never closed (expected '{% end\(tag) %}')", offset: token.start)
        }
        return (block, end)
    }

    func expressionParser(_ start: Int, _ end: Int) throws -> ExpressionParser {
        try ExpressionParser(src: src, start: start, end: end, environment: environment)
    }

    func markupIsEmpty(_ start: Int, _ end: Int) -> Bool {
        src[start..<end].allSatisfy(isSpace)
    }

    /// Strips the whitespace of blank block bodies, as the reference implementation does for
    /// `if`, `unless`, `case` and `for`.
    static func stripped(_ block: Block) -> Block {
        Block(nodes: block.nodes.filter { if case .text = $0 { return false } else { return true } }, isBlank: true)
    }

    // MARK: - Tags

    mutating func parseTag(name: String, token: Token, markupStart ms: Int) throws -> Node? {
        let me = token.contentEnd
        switch name {
        case "#":
            // Inline comment: every line must start with '#'.
            if !inLiquidTag {
                var lineStart = false
                var i = ms
                while i < me {
                    let c = src[i]
                    if c == 0x0A { lineStart = true } else if lineStart && !isSpace(c) {
                        if c != UInt8(ascii: "#") { throw LiquidError(.syntax, "every line of an inline comment must start with '#'", offset: i) }
                        lineStart = false
                    }
                    i += 1
                }
            }
            return .comment
        case "":
            throw LiquidError(.syntax, "missing tag name", offset: token.start)
        case "assign":
            var i = ms
            while i < me, isSpace(src[i]) { i += 1 }
            let s = i
            while i < me, isWordByte(src[i]) || (i > s && src[i] == UInt8(ascii: "-")) { i += 1 }
            guard i > s else { throw LiquidError(.syntax, "expected a variable name after 'assign'", offset: s) }
            let variable = String(decoding: src[s..<i], as: UTF8.self)
            var p = try expressionParser(i, me)
            try p.expect(.assign, "'=' after the variable name")
            let value = try p.parseFiltered()
            try p.expectEnd()
            return .assign(AssignNode(name: variable, value: value))
        case "capture":
            var p = try expressionParser(ms, me)
            let variable: String
            switch p.current {
            case .identifier(let n) where n.first != "-": variable = n
            case .string(let s): variable = s
            case .int(let i): variable = String(i)
            default: throw p.error("expected a variable name after 'capture'")
            }
            try p.advance()
            try p.expectEnd()
            let (body, _) = try parseBody(for: "capture", token: token, ends: ["endcapture"])
            return .capture(CaptureNode(name: variable, body: body))
        case "echo":
            var p = try expressionParser(ms, me)
            if p.atEnd { return .output(FilteredExpression(expression: .literal(.null), filters: [], offset: ms)) }
            let e = try p.parseFiltered()
            try p.expectEnd()
            return .output(e)
        case "if", "unless":
            return try parseConditional(name: name, token: token, markupStart: ms)
        case "case":
            return try parseCase(token: token, markupStart: ms)
        case "for":
            return try parseFor(token: token, markupStart: ms)
        case "tablerow":
            return try parseTablerow(token: token, markupStart: ms)
        case "cycle":
            return try parseCycle(token: token, markupStart: ms)
        case "increment", "decrement":
            var p = try expressionParser(ms, me)
            guard case .identifier(let variable) = p.current, variable.first != "-" else { throw p.error("expected a variable name") }
            try p.advance()
            try p.expectEnd()
            return name == "increment" ? .increment(variable) : .decrement(variable)
        case "break", "continue":
            return name == "break" ? .breakLoop : .continueLoop
        case "ifchanged":
            let (body, _) = try parseBody(for: "ifchanged", token: token, ends: ["endifchanged"])
            return .ifchanged(body)
        case "comment":
            try skipComment(token: token)
            return .comment
        case "raw", "doc":
            // Only reachable inside a `liquid` tag.
            throw LiquidError(.syntax, "'\(name)' is not allowed here", offset: token.start)
        case "liquid":
            return try parseLiquidTag(token: token, markupStart: ms)
        case "include", "render":
            return try parsePartial(name: name, token: token, markupStart: ms)
        default:
            if let definition = environment.tags[name] {
                let markup = String(decoding: src[ms..<me], as: UTF8.self).trimmingSpaces()
                var body: LiquidBlock?
                if let endTag = definition.endTag {
                    let (block, _) = try parseBody(for: name, token: token, ends: [endTag])
                    body = LiquidBlock(block: block, arena: arena)
                }
                do {
                    let node = try definition.parse(TagContext(markup: markup, body: body, environment: environment))
                    return .custom(CustomNode(node: node, offset: token.start))
                } catch var error as LiquidError {
                    if error.offset == nil { error.offset = token.start }
                    throw error
                }
            }
            if ["else", "elsif", "when", "endif", "endfor", "endunless", "endcase", "endcapture", "endtablerow", "endcomment", "endraw", "endifchanged"].contains(name) {
                throw LiquidError(.syntax, "unexpected '\(name)'", offset: token.start)
            }
            throw LiquidError(.unknownTag, "unknown tag '\(name)'", offset: token.start)
        }
    }

    /// Skips tokens up to the matching `endcomment`, counting nested `comment` tags.
    mutating func skipComment(token: Token) throws {
        var nesting = 1
        while index < tokens.count {
            let t = tokens[index]
            index += 1
            guard t.kind == .tag else { continue }
            let (name, _) = tagName(t)
            if name == "comment" { nesting += 1 }
            if name == "endcomment" {
                nesting -= 1
                if nesting == 0 { return }
            }
        }
        throw LiquidError(.syntax, "'comment' block was never closed (expected '{% endcomment %}')", offset: token.start)
    }

    mutating func parseConditional(name: String, token: Token, markupStart ms: Int) throws -> Node {
        let endName = "end" + name
        var branches: [ConditionalBranch] = []
        var p = try expressionParser(ms, token.contentEnd)
        var condition = try p.parseCondition()
        try p.expectEnd()
        var negate = name == "unless"
        var sawElse = false
        while true {
            let (body, end) = try parseBody(for: name, token: token, ends: ["elsif", "else", endName])
            branches.append(ConditionalBranch(condition: condition, negate: negate, body: body))
            switch end.name {
            case "elsif":
                var p = try expressionParser(end.markupStart, end.token.contentEnd)
                condition = try p.parseCondition()
                try p.expectEnd()
                negate = false
                if sawElse { condition = .literal(.bool(false)) }
            case "else":
                // Expressions after `else` are ignored, as are branches after the first `else`.
                if sawElse {
                    condition = .literal(.bool(false))
                } else {
                    condition = .literal(.bool(true))
                }
                negate = false
                sawElse = true
            default:
                if branches.allSatisfy(\.body.isBlank) {
                    branches = branches.map { ConditionalBranch(condition: $0.condition, negate: $0.negate, body: Parser.stripped($0.body)) }
                }
                return .conditional(ConditionalNode(branches: branches))
            }
        }
    }

    mutating func parseCase(token: Token, markupStart ms: Int) throws -> Node {
        var p = try expressionParser(ms, token.contentEnd)
        let subject = try p.parsePrimary()
        try p.expectEnd()
        // Anything before the first `when` is ignored (it can only be whitespace and blank tags).
        var (_, end) = try parseBody(for: "case", token: token, ends: ["when", "else", "endcase"])
        var branches: [CaseBranch] = []
        while end.name != "endcase" {
            if end.name == "when" {
                var p = try expressionParser(end.markupStart, end.token.contentEnd)
                var values: [Expression] = []
                values.append(try p.parsePrimary())
                while true {
                    if p.current == .comma || p.identifier == "or" {
                        try p.advance()
                        values.append(try p.parsePrimary())
                    } else {
                        break
                    }
                }
                if !p.atEnd {
                    if environment.mode == .strict { try p.expectEnd() }
                }
                let (body, next) = try parseBody(for: "case", token: token, ends: ["when", "else", "endcase"])
                for v in values { branches.append(CaseBranch(value: v, body: body)) }
                end = next
            } else {
                let (body, next) = try parseBody(for: "case", token: token, ends: ["when", "else", "endcase"])
                branches.append(CaseBranch(value: nil, body: body))
                end = next
            }
        }
        if branches.allSatisfy(\.body.isBlank) {
            branches = branches.map { CaseBranch(value: $0.value, body: Parser.stripped($0.body)) }
        }
        return .caseTag(CaseNode(subject: subject, branches: branches))
    }

    /// `var in collection` shared by `for` and `tablerow`; returns the variable, collection and its text.
    func parseLoopHead(_ p: inout ExpressionParser, tag: String) throws -> (String, Expression, String) {
        guard case .identifier(let variable) = p.current, variable.first != "-" else { throw p.error("expected a loop variable after '\(tag)'") }
        try p.advance()
        guard p.identifier == "in" else { throw p.error("expected 'in' after the loop variable") }
        try p.advance()
        let start = p.currentOffset
        let collection = try p.parsePrimary()
        let text = String(decoding: src[start..<p.previousEnd].filter { !isSpace($0) }, as: UTF8.self)
        return (variable, collection, text)
    }

    mutating func parseFor(token: Token, markupStart ms: Int) throws -> Node {
        var p = try expressionParser(ms, token.contentEnd)
        let (variable, collection, text) = try parseLoopHead(&p, tag: "for")
        var limit: Expression?, offset: Expression?, offsetContinue = false, reversed = false
        while !p.atEnd {
            if p.current == .comma { try p.advance(); continue }
            guard let word = p.identifier else { throw p.error("unexpected \(p.describe(p.current)) in 'for'") }
            try p.advance()
            switch word {
            case "reversed": reversed = true
            case "limit":
                try p.expect(.colon, "':' after 'limit'")
                limit = try p.parsePrimary()
            case "offset":
                try p.expect(.colon, "':' after 'offset'")
                if p.identifier == "continue" {
                    try p.advance()
                    offsetContinue = true
                    sawOffsetContinue = true
                } else {
                    offset = try p.parsePrimary()
                }
            default:
                throw LiquidError(.syntax, "unexpected '\(word)' in 'for'", offset: p.previousEnd - word.utf8.count)
            }
        }
        var (body, end) = try parseBody(for: "for", token: token, ends: ["else", "endfor"])
        var elseBody: Block?
        if end.name == "else" {
            elseBody = try parseBody(for: "for", token: token, ends: ["endfor"]).0
        }
        if body.isBlank && (elseBody?.isBlank ?? true) {
            body = Parser.stripped(body)
            elseBody = elseBody.map(Parser.stripped)
        }
        let node = ForNode(
            variable: variable, collection: collection, name: "\(variable)-\(text)", limit: limit, offset: offset,
            offsetContinue: offsetContinue, reversed: reversed, body: body, elseBody: elseBody, sourceOffset: token.start
        )
        return .forLoop(node)
    }

    mutating func parseTablerow(token: Token, markupStart ms: Int) throws -> Node {
        var p = try expressionParser(ms, token.contentEnd)
        let (variable, collection, _) = try parseLoopHead(&p, tag: "tablerow")
        var cols: Expression?, limit: Expression?, offset: Expression?
        while !p.atEnd {
            if p.current == .comma { try p.advance(); continue }
            guard let word = p.identifier else { throw p.error("unexpected \(p.describe(p.current)) in 'tablerow'") }
            try p.advance()
            try p.expect(.colon, "':' after '\(word)'")
            let value = try p.parsePrimary()
            switch word {
            case "cols": cols = value
            case "limit": limit = value
            case "offset": offset = value
            default: throw p.error("unexpected '\(word)' in 'tablerow'")
            }
        }
        let (body, _) = try parseBody(for: "tablerow", token: token, ends: ["endtablerow"])
        return .tablerow(
            TableRowNode(variable: variable, collection: collection, cols: cols, limit: limit, offset: offset, body: body, sourceOffset: token.start))
    }

    mutating func parseCycle(token: Token, markupStart ms: Int) throws -> Node {
        var p = try expressionParser(ms, token.contentEnd)
        var group: Expression?
        var values: [Expression] = []
        let first = try p.parsePrimary()
        if p.current == .colon {
            try p.advance()
            group = first
        } else {
            values.append(first)
            if p.current == .comma { try p.advance() } else { try p.expectEnd() }
        }
        while !p.atEnd {
            values.append(try p.parsePrimary())
            if p.current == .comma { try p.advance() } else { try p.expectEnd() }
        }
        guard !values.isEmpty else { throw p.error("'cycle' needs at least one value") }
        var key = String(decoding: src[ms..<token.contentEnd], as: UTF8.self)
        if group != nil, let colon = key.firstIndex(of: ":") { key = String(key[key.index(after: colon)...]) }
        key = String(key.filter { !$0.isWhitespace })
        return .cycle(CycleNode(group: group, key: key, values: values))
    }

    mutating func parsePartial(name: String, token: Token, markupStart ms: Int) throws -> Node {
        var p = try expressionParser(ms, token.contentEnd)
        let templateName: Expression
        if case .string(let s) = p.current {
            templateName = .literal(.string(s))
            try p.advance()
        } else if name == "include" {
            templateName = try p.parsePrimary()
        } else {
            throw p.error("'render' needs the template name as a string literal")
        }
        var bound: Expression?
        var isFor = false
        var alias: String?
        if let word = p.identifier, word == "with" || word == "for", !p.lexer.peekIsColon() {
            try p.advance()
            isFor = word == "for"
            bound = try p.parsePrimary()
        }
        if p.identifier == "as", !p.lexer.peekIsColon() {
            try p.advance()
            guard let a = p.identifier else { throw p.error("expected a name after 'as'") }
            alias = a
            try p.advance()
        }
        var keywords: [(name: String, value: Expression)] = []
        while !p.atEnd {
            if p.current == .comma { try p.advance(); continue }
            guard let key = p.identifier else { throw p.error("expected a keyword argument") }
            try p.advance()
            try p.expect(.colon, "':' after '\(key)'")
            keywords.append((key, try p.parsePrimary()))
        }
        let node = PartialNode(name: templateName, bound: bound, isFor: isFor, alias: alias, keywords: keywords, offset: token.start)
        return name == "include" ? .include(node) : .render(node)
    }

    /// `{% liquid %}`: one tag per line, without delimiters.
    mutating func parseLiquidTag(token: Token, markupStart ms: Int) throws -> Node {
        var lineTokens: [Token] = []
        var i = ms
        let end = token.contentEnd
        while i < end {
            var lineEnd = i
            while lineEnd < end, src[lineEnd] != 0x0A { lineEnd += 1 }
            var s = i, e = lineEnd
            while s < e, isSpace(src[s]) { s += 1 }
            while e > s, isSpace(src[e - 1]) { e -= 1 }
            if s < e {
                lineTokens.append(Token(kind: .tag, start: s, contentStart: s, contentEnd: e))
            }
            i = lineEnd + 1
        }
        var sub = Parser(src: src, arena: arena, tokens: lineTokens, environment: environment, inLiquidTag: true, depth: depth + 1)
        let block = try sub.parseDocument()
        if sub.sawOffsetContinue { sawOffsetContinue = true }
        return .body(block)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
