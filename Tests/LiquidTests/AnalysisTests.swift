import Liquid
import Testing

@Suite("Static analysis")
struct AnalysisTests {
    @Test func findsGlobalVariablePathsAndDefaults() throws {
        let source = """
            Hi {{ profile.first_name | default: 'there' }},
            {% assign greeting = 'Welcome' %}{{ greeting }}
            {% for item in cart.items %}{{ item.title }} x{{ item.quantity }} {{ forloop.index }}{% endfor %}
            {% if profile.vip %}VIP{% endif %}{{ shop.url }}{{ profile.first_name }}
            {{ products[profile.favorite].title | default: 'a product' }}
            """
        let analysis = try Environment().parse(source).analyze()
        #expect(analysis.variables == ["profile.first_name", "cart.items", "profile.vip", "shop.url", "profile.favorite", "products[profile.favorite].title"])
        #expect(analysis.variablesWithDefault == ["products[profile.favorite].title"])
        #expect(analysis.variablesWithoutDefault.contains("profile.first_name"))  // used once without default too
        #expect(analysis.definedVariables == ["greeting"])
        let first = try #require(analysis.variableUses.first)
        #expect(first.root == "profile")
        #expect(first.hasDefault)
        #expect(first.line == 1 && first.column == 7)
    }

    @Test func findsPartials() throws {
        let analysis = try Environment().parse("{% render 'header' %}{% include footer_name %}{% render 'item' for items %}").analyze()
        #expect(analysis.partials.map(\.name) == ["header", nil, "item"])
        #expect(analysis.partials.map(\.tag) == ["render", "include", "render"])
        #expect(analysis.variables == ["footer_name", "items"])
    }

    @Test func loopVariablesAreNotGlobal() throws {
        let analysis = try Environment().parse("{% for x in xs %}{{ x.a }}{% endfor %}{{ x }}").analyze()
        #expect(analysis.variables == ["xs", "x"])
    }
}
