import Liquid
import Testing

@Suite("Errors carry kind, location, source line and caret")
struct ErrorTests {
    func error(_ source: String, _ data: Value = [:], environment: Environment = Environment(), name: String? = "welcome.liquid") -> LiquidError? {
        do {
            _ = try environment.parse(source, name: name).render(data)
            return nil
        } catch let e as LiquidError {
            return e
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test func unknownTagHasLocationAndCaret() throws {
        let e = try #require(error("Hello\n  {% frobnicate x %}\n"))
        #expect(e.kind == .unknownTag)
        #expect(e.templateName == "welcome.liquid")
        #expect(e.line == 2)
        #expect(e.column == 3)
        #expect(e.sourceLine == "  {% frobnicate x %}")
        #expect(e.description == "welcome.liquid:2:3: unknownTag: unknown tag 'frobnicate'\n    {% frobnicate x %}\n    ^")
    }

    @Test func unclosedBlockPointsAtTheOpeningTag() throws {
        let e = try #require(error("a\nb {% if x %}never closed"))
        #expect(e.kind == .syntax)
        #expect(e.line == 2)
        #expect(e.column == 3)
        #expect(e.message.contains("endif"))
    }

    @Test func unclosedOutput() throws {
        let e = try #require(error("Hi {{ name "))
        #expect(e.kind == .syntax)
        #expect(e.column == 4)
    }

    @Test func badFilterArgumentAtRenderTime() throws {
        let e = try #require(error("{{ 'x' | truncate: 'many' }}"))
        #expect(e.kind == .filterArgument)
        #expect(e.line == 1)
        #expect(e.column == 10)
    }

    @Test func wrongArgumentCountIsCaughtAtParseTime() throws {
        let env = Environment()
        #expect(throws: LiquidError.self) { try env.parse("{{ 'x' | upcase: 1 }}") }
        #expect(throws: LiquidError.self) { try env.parse("{{ 'x' | default: 1, nope: 2 }}") }
    }

    @Test func unknownFilterStrictVersusLax() throws {
        let strict = Environment(mode: .strict)
        let e = try #require(error("{{ x | nosuch }}", environment: strict))
        #expect(e.kind == .unknownFilter)
        #expect(try render("{{ 'a' | nosuch | upcase }}") == "A")
    }

    @Test func strictUndefinedNamesThePathButNotValues() throws {
        let env = Environment(undefined: .strict)
        let e = try #require(error("Hi {{ profile.first_name }}", ["profile": ["email": "jane@example.com"]], environment: env))
        #expect(e.kind == .undefinedVariable)
        #expect(e.message.contains("profile.first_name"))
        #expect(!e.description.contains("jane@example.com"))
        // `default` is the sanctioned fallback under strict undefined.
        #expect(try env.parse("Hi {{ profile.first_name | default: 'there' }}").render(["profile": [:]]) == "Hi there")
    }

    @Test func errorInPartialNamesThePartial() throws {
        let env = Environment(loader: InMemoryLoader(["footer": "ok\n{{ 1 | divided_by: 0 }}"]))
        let e = try #require(error("{% render 'footer' %}", environment: env))
        #expect(e.templateName == "footer")
        #expect(e.line == 2)
        #expect(e.kind == .filterArgument)
    }

    @Test func missingPartial() throws {
        let env = Environment(loader: InMemoryLoader([:]))
        let e = try #require(error("{% include 'nope' %}", environment: env))
        #expect(e.kind == .templateNotFound)
    }

    @Test func comparingStringAndNumberIsATypeError() throws {
        let e = try #require(error("{% if '2' > 1 %}x{% endif %}"))
        #expect(e.kind == .type)
    }
}
