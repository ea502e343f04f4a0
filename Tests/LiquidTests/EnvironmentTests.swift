import Foundation
import Liquid
import Testing

@Suite("Environment: registries, loaders, limits, concurrency")
struct EnvironmentTests {
    @Test func customFilterWithArguments() throws {
        let money = Filter("money", arguments: 0...1) { value, args, _ in
            let cents: Int
            switch value {
            case .int(let i): cents = i
            case .double(let d): cents = Int((d * 100).rounded())
            default: throw FilterError("money expects a number")
            }
            let symbol = args[0]?.liquidString ?? "$"
            return .string("\(symbol)\(cents / 100).\(String(format: "%02d", cents % 100))")
        }
        let env = Environment(filters: [money])
        #expect(try env.render("{{ 1999 | money }} {{ 250 | money: '€' }}") == "$19.99 €2.50")
        #expect(throws: LiquidError.self) { try env.render("{{ 'x' | money }}") }
    }

    @Test func customBlockTag() throws {
        struct Shout: LiquidNode {
            let body: LiquidBlock
            func render(in context: RenderContext, into output: inout [UInt8]) throws {
                var inner: [UInt8] = []
                try body.render(in: context, into: &inner)
                output += Array(String(decoding: inner, as: UTF8.self).uppercased().utf8)
            }
        }
        let tag = TagDefinition("shout", endTag: "endshout") { ctx in Shout(body: ctx.body!) }
        let env = Environment(tags: [tag])
        #expect(try env.render("{% shout %}hi {{ name }}{% endshout %}!", ["name": "ann"]) == "HI ANN!")
    }

    @Test func customTagWithExpression() throws {
        struct Greet: LiquidNode {
            let who: LiquidExpression
            func render(in context: RenderContext, into output: inout [UInt8]) throws {
                output += Array("Hello, \(try who.evaluate(in: context).liquidString)".utf8)
            }
        }
        let env = Environment(tags: [TagDefinition("greet") { ctx in Greet(who: try ctx.expression(ctx.markup)) }])
        #expect(try env.render("{% greet user.name | upcase %}", ["user": ["name": "bo"]]) == "Hello, BO")
    }

    @Test func directoryLoaderFindsPartialsAndRefusesEscapes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liquid-loader-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Footer {{ year }}".write(to: dir.appendingPathComponent("footer.liquid"), atomically: true, encoding: .utf8)
        let loader = DirectoryLoader(directory: dir)
        #expect(try loader.source(named: "footer") == "Footer {{ year }}")
        #expect(try loader.source(named: "../etc/passwd") == nil)
        #expect(try loader.source(named: "/etc/passwd") == nil)
        let env = Environment(loader: loader)
        #expect(try env.render("{% render 'footer', year: 2026 %}") == "Footer 2026")
    }

    @Test func loopIterationLimitStopsHostileTemplates() throws {
        let env = Environment(limits: ResourceLimits(loopIterations: 1000))
        #expect(try env.render("{% for i in (1..10) %}{{ i }}{% endfor %}") == "12345678910")
        do {
            _ = try env.render("{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}")
            Issue.record("expected limit error")
        } catch let e as LiquidError {
            #expect(e.kind == .limitExceeded)
        }
    }

    @Test func outputLimit() throws {
        let env = Environment(limits: ResourceLimits(outputBytes: 1000))
        #expect(throws: LiquidError.self) { try env.render("{% for i in (1..1000) %}0123456789{% endfor %}") }
        // Doubling a string through assign is caught before memory runs out.
        #expect(throws: LiquidError.self) {
            try env.render("{% assign s = 'ab' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}")
        }
    }

    @Test func nestingAndPartialDepthLimits() throws {
        let deep = String(repeating: "{% if true %}", count: 200) + String(repeating: "{% endif %}", count: 200)
        #expect(throws: LiquidError.self) { try Environment().parse(deep) }
        let env = Environment(loader: InMemoryLoader(["loop": "x{% include 'loop' %}"]))
        do {
            _ = try env.render("{% include 'loop' %}")
            Issue.record("expected limit error")
        } catch let e as LiquidError {
            #expect(e.kind == .limitExceeded)
        }
    }

    @Test func hugeRangeInFilterIsRefused() throws {
        #expect(throws: LiquidError.self) { try render("{{ (1..100000000000) | join: ',' }}") }
    }

    @Test func templatesRenderConcurrently() async throws {
        let env = Environment(loader: InMemoryLoader(["item": "[{{ item.title }}]"]))
        let template = try env.parse("{% for item in items %}{% render 'item', item: item %}{% endfor %} {{ n }}")
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for n in 0..<64 {
                group.addTask {
                    let data: Value = ["n": .int(n), "items": .array((0..<n % 5).map { ["title": .string("t\($0)")] })]
                    return (n, (try? template.render(data)) ?? "error")
                }
            }
            var all: [(Int, String)] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64)
        for (n, output) in results {
            let expected = (0..<n % 5).map { "[t\($0)]" }.joined() + " \(n)"
            #expect(output == expected)
        }
    }

    @Test func jsonDataKeepsKeyOrderAndNumberKinds() throws {
        let data = try Value(json: #"{"b": 1, "a": 2.0, "s": "\u00e9\n", "n": null, "l": [true, false]}"#)
        #expect(try render("{% for p in obj %}{{ p[0] }}={{ p[1] }};{% endfor %}", ["obj": data]) == "b=1;a=2.0;s=é\n;n=;l=truefalse;")
        #expect(throws: JSONValueError.self) { try Value(json: "{\"a\": }") }
    }

    @Test func lookupsResolvePathsAndSpecialProperties() throws {
        let data: Value = ["p": ["tags": ["a", "b", "c"], "name": "Zoë"]]
        #expect(try render("{{ p.tags.size }} {{ p.tags.first }} {{ p.tags.last }} {{ p.tags[-1] }} {{ p.name.size }} {{ p['name'] }}", data) == "3 a c c 3 Zoë")
    }
}
