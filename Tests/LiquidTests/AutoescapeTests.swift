import Liquid
import Testing

@Suite("Autoescape")
struct AutoescapeTests {
    let env = Environment(autoescape: true)

    @Test func valuesAreEscaped() throws {
        let data: Value = ["name": "<script>alert('x')</script>", "tags": ["<b>", "&"]]
        #expect(try env.render("<p>{{ name }}</p>", data) == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>")
        #expect(try env.render("{{ tags }}", data) == "&lt;b&gt;&amp;")
        #expect(try env.render("{{ name | upcase }}", data) == "&lt;SCRIPT&gt;ALERT(&#39;X&#39;)&lt;/SCRIPT&gt;")
    }

    @Test func templateTextIsNotEscaped() throws {
        #expect(try env.render("<b>{{ 'a&b' }}</b>") == "<b>a&amp;b</b>")
    }

    @Test func safeOptOut() throws {
        #expect(try env.render("{{ html | safe }}", ["html": "<em>hi</em>"]) == "<em>hi</em>")
    }

    @Test func escapeIsNotDoubled() throws {
        #expect(try env.render("{{ v | escape }}", ["v": "<&>"]) == "&lt;&amp;&gt;")
    }

    @Test func capturedMarkupStaysMarkup() throws {
        #expect(try env.render("{% capture b %}<b>{{ v }}</b>{% endcapture %}{{ b }}", ["v": "<i>"]) == "<b>&lt;i&gt;</b>")
    }

    @Test func offByDefault() throws {
        #expect(try render("{{ v }}", ["v": "<i>"]) == "<i>")
    }
}
