/// Recursive-descent parser for the expression part of tags and outputs.
struct ExpressionParser {
    var lexer: ExpressionLexer
    var current: ExprToken = .end
    var currentOffset = 0
    /// End offset of the last consumed token.
    var previousEnd = 0
    /// Nesting of brackets and boolean operators, bounded so hostile markup cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 100
    let environment: Environment

    init(src: [UInt8], start: Int, end: Int, environment: Environment) throws {
        self.lexer = ExpressionLexer(src: src, start: start, end: end)
        self.environment = environment
        try advance()
    }

    mutating func advance() throws {
        previousEnd = lexer.pos
        (current, currentOffset) = try lexer.next()
    }

    var atEnd: Bool { current == .end }

    func error(_ message: String) -> LiquidError {
        LiquidError(.syntax, message, offset: currentOffset)
    }

    mutating func expect(_ token: ExprToken, _ what: String) throws {
        guard current == token else { throw error("expected \(what)") }
        try advance()
    }

    mutating func expectEnd() throws {
        guard atEnd else { throw error("unexpected \(describe(current))") }
    }

    func describe(_ t: ExprToken) -> String {
        switch t {
        case .identifier(let s): return "'\(s)'"
        case .string(let s): return "string '\(s)'"
        case .int(let i): return "'\(i)'"
        case .double(let d): return "'\(d)'"
        case .end: return "end of markup"
        case .pipe: return "'|'"
        case .colon: return "':'"
        case .comma: return "','"
        case .dot: return "'.'"
        case .dotDot: return "'..'"
        case .op: return "operator"
        default: return "token"
        }
    }

    /// The identifier at the current position, if any (without consuming).
    var identifier: String? {
        if case .identifier(let s) = current { return s }
        return nil
    }

    // MARK: - Primaries

    /// A literal, variable path or range.
    mutating func parsePrimary() throws -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw LiquidError(.limitExceeded, "expression nested too deeply", offset: currentOffset) }
        let start = currentOffset
        switch current {
        case .string(let s):
            try advance()
            return .literal(.string(s))
        case .int(let i):
            try advance()
            return .literal(.int(i))
        case .double(let d):
            try advance()
            return .literal(.double(d))
        case .leftParen:
            try advance()
            let low = try parsePrimary()
            try expect(.dotDot, "'..' in range")
            let high = try parsePrimary()
            try expect(.rightParen, "')' to close range")
            if case .literal(let a) = low, case .literal(let b) = high, let lo = Value.rangeBound(a), let hi = Value.rangeBound(b) {
                return .literal(.range(lo, hi))
            }
            return .range(low, high)
        case .identifier(let name):
            switch name {
            case "true": try advance(); return .literal(.bool(true))
            case "false": try advance(); return .literal(.bool(false))
            case "nil", "null": try advance(); return .literal(.null)
            case "empty": try advance(); return .literal(.empty)
            case "blank": try advance(); return .literal(.blank)
            default: break
            }
            if name.first == "-" { throw error("identifiers cannot start with '-'") }
            try advance()
            return .variable(try parsePath(root: .key(name), start: start))
        case .leftBracket:
            try advance()
            let inner = try parseBracketContent()
            return .variable(try parsePath(root: inner, start: start))
        default:
            throw error("expected a value, found \(describe(current))")
        }
    }

    mutating func parseBracketContent() throws -> PathSegment {
        let segment: PathSegment
        switch current {
        case .string(let s): segment = .key(s); try advance()
        case .int(let i): segment = .index(i); try advance()
        default:
            let e = try parsePrimary()
            if case .literal(let v) = e {
                switch v {
                case .string(let s): segment = .key(s)
                case .int(let i): segment = .index(i)
                default: segment = .dynamic(e)
                }
            } else {
                segment = .dynamic(e)
            }
        }
        try expect(.rightBracket, "']'")
        return segment
    }

    mutating func parsePath(root: PathSegment, start: Int) throws -> VariablePath {
        var segments: [PathSegment] = []
        while true {
            if current == .dot {
                try advance()
                guard case .identifier(let name) = current else { throw error("expected a property name after '.'") }
                try advance()
                segments.append(.key(name))
            } else if current == .leftBracket {
                try advance()
                segments.append(try parseBracketContent())
            } else {
                break
            }
        }
        let text = String(decoding: lexer.src[start..<max(start, previousEnd)].filter { !isSpace($0) }, as: UTF8.self)
        return VariablePath(root: root, segments: segments, text: text, offset: start)
    }

    // MARK: - Conditions

    /// `a == b and c contains d or e`: `and`/`or` are right-associative with equal precedence.
    mutating func parseCondition() throws -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw LiquidError(.limitExceeded, "condition has too many terms", offset: currentOffset) }
        let left = try parseComparison()
        if case .identifier(let word) = current {
            if word == "and" {
                try advance()
                return .and(left, try parseCondition())
            }
            if word == "or" {
                try advance()
                return .or(left, try parseCondition())
            }
        }
        return left
    }

    mutating func parseComparison() throws -> Expression {
        let left = try parsePrimary()
        let offset = currentOffset
        if case .op(let op) = current {
            try advance()
            return .compare(op, left, try parsePrimary(), offset: offset)
        }
        if case .identifier("contains") = current {
            try advance()
            return .compare(.contains, left, try parsePrimary(), offset: offset)
        }
        return left
    }

    // MARK: - Filters

    /// An expression with optional filters, ending at the end of markup.
    mutating func parseFiltered() throws -> FilteredExpression {
        let offset = currentOffset
        let expression = try parsePrimary()
        let filters = try parseFilters()
        return FilteredExpression(expression: expression, filters: filters, offset: offset)
    }

    mutating func parseFilters() throws -> [FilterCall] {
        var filters: [FilterCall] = []
        while current == .pipe {
            try advance()
            let offset = currentOffset
            guard case .identifier(let name) = current else { throw error("expected a filter name after '|'") }
            try advance()
            var args: [Expression] = []
            var keywords: [(name: String, value: Expression)] = []
            if current == .colon {
                try advance()
                while true {
                    if case .identifier(let key) = current, lexer.peekIsColon() {
                        try advance()
                        try advance()
                        keywords.append((key, try parsePrimary()))
                    } else {
                        args.append(try parsePrimary())
                    }
                    if current == .comma {
                        try advance()
                        continue
                    }
                    break
                }
            }
            filters.append(try environment.resolveFilter(name, args: args, keywords: keywords, offset: offset))
        }
        return filters
    }
}

extension ExpressionLexer {
    /// Whether the next non-space byte is a single ':' (a keyword argument).
    func peekIsColon() -> Bool {
        var i = pos
        while i < end, isSpace(src[i]) { i += 1 }
        return i < end && src[i] == UInt8(ascii: ":")
    }
}

extension Value {
    /// Range bounds: integers, floats truncated, numeric strings parsed; other values are not bounds.
    static func rangeBound(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .double(let d): return d.isFinite ? Value.clampedInt(d) : nil
        case .string(let s), .safe(let s):
            if let i = Int(s) { return i }
            if let d = Double(s), d.isFinite { return Value.clampedInt(d) }
            return 0
        case .null: return 0
        default: return nil
        }
    }
}
