import Foundation
import Testing

@testable import TailorMail

@Suite("HTML to plain text")
struct HTMLTextTests {
    private func text(_ html: String, lineWidth: Int = HTMLText.defaultLineWidth) -> String {
        HTMLText.plainText(fromHTML: html, lineWidth: lineWidth)
    }

    // MARK: What is not shown

    @Test("head, style, script, title and comments are dropped; a hidden preheader is text")
    func hiddenParts() {
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>Weekly</title>
            <style>p { color: red; } .x > .y { margin: 0 }</style>
            <script>if (a < b && c > d) { document.write("<p>no</p>") }</script></head>
            <body><!-- a comment with <p>tags</p> --><!--[if mso]><table><tr><td>Outlook only<![endif]-->
            <span style="display:none;max-height:0">Preview text</span><p>Body</p>
            <?xml version="1.0"?><![CDATA[x]]><template><p>later</p></template><SCRIPT type="text/javascript">alert(1)</SCRIPT>
            </body></html>
            """
        #expect(text(html) == "Preview text\n\nBody\n")
    }

    @Test("content outside Outlook's conditional comments is shown to everyone")
    func conditionalComments() {
        let html = "<!--[if !mso]><!--><p>Everyone</p><!--<![endif]--><!--[if mso]><p>Outlook</p><![endif]--><p>All</p>"
        #expect(text(html) == "Everyone\n\nAll\n")
    }

    @Test("an unclosed head ends where the body's content starts, as in browsers")
    func unclosedHead() {
        #expect(text("<head><title>T</title><style>x{}</style><p>Body text") == "Body text\n")
        #expect(text("<html><head><meta name=x>Loose text") == "Loose text\n")
    }

    // MARK: Blocks

    @Test("paragraphs are separated by one blank line, other blocks by a line break")
    func blocks() {
        #expect(text("<p>One</p><p>Two</p>") == "One\n\nTwo\n")
        #expect(text("<div>One</div><div>Two</div>") == "One\nTwo\n")
        #expect(text("<table><tr><td>A</td><td>B</td></tr><tr><th>C</th><td>D</td></tr></table>After") == "A B\nC D\nAfter\n")
        #expect(text("<p>a</p><p></p><div><br></div><br><br><p>&nbsp;</p><h2></h2><p>b</p>") == "a\n\nb\n")
        #expect(text("before<blockquote>quoted</blockquote>after") == "before\n\n> quoted\n\nafter\n")
        #expect(text("one<br>two<br><br>three<br><br><br><br>four<br>") == "one\ntwo\n\nthree\n\nfour\n")
        #expect(text("<div>a<br></div><div>b</div>") == "a\nb\n")
        #expect(text("<section>s</section><article>a</article><footer>f</footer>") == "s\na\nf\n")
    }

    @Test("no line starts or ends with a space, and the text ends with one line break")
    func noStraySpaces() {
        let result = text("<p>  one   </p>\n\n<p>\ttwo <b> three </b> </p>  <div> </div>  ")
        #expect(result == "one\n\ntwo three\n")
        #expect(text("") == "")
        #expect(text("<p> </p><img src=x.png><!-- -->") == "")
    }

    @Test("lists: - for items, numbers in ol, nesting indented")
    func lists() {
        #expect(text("<ul><li>Mug</li><li>Bowl</li></ul>") == "- Mug\n- Bowl\n")
        #expect(text("<p>Intro</p><ol start=\"9\"><li>nine<li>ten</ol><p>Outro</p>") == "Intro\n\n9. nine\n10. ten\n\nOutro\n")
        #expect(text("<ul><li>a<ul><li>a.1</li><li>a.2</li></ul></li><li>b</li></ul>") == "- a\n  - a.1\n  - a.2\n- b\n")
        #expect(text("<ul><li><p>first para</p><p>second para</p></li></ul>") == "- first para\n\n  second para\n")
        #expect(text("<li>orphan</li><li>items</li>") == "- orphan\n- items\n")
        #expect(text("<ul><li></li></ul><p>After an empty item</p>") == "After an empty item\n")
        let long = String(repeating: "word ", count: 20)
        #expect(
            text("<ul><li>\(long)</li></ul>")
                == "- word word word word word word word word word word word word word word word\n  word word word word word\n"
        )
    }

    @Test("headings stand alone; h1 is underlined with =, h2 with -")
    func headings() {
        #expect(text("<h1>Hello Ada</h1><p>Text</p>") == "Hello Ada\n=========\n\nText\n")
        #expect(text("Intro<h2>Your picks</h2>Text") == "Intro\n\nYour picks\n----------\n\nText\n")
        #expect(text("<h3>Small</h3><h4>Smaller</h4>x") == "Small\n\nSmaller\n\nx\n")
        #expect(text("<h1>Grüße, Jürgen</h1>") == "Grüße, Jürgen\n=============\n")
        #expect(text("<h1>Two<br>lines</h1>") == "Two\nlines\n=====\n")
        #expect(text("<h1>A</h1><h1>B</h1>") == "A\n=\n\nB\n=\n")
    }

    // MARK: Links and images

    @Test("links show their URL after the text, or alone when the text is the URL")
    func links() {
        #expect(text("<p>See <a href=\"https://shop.example/picks\">your picks</a> now.</p>") == "See your picks (https://shop.example/picks) now.\n")
        #expect(text("<a href=\"https://shop.example/\">https://shop.example/</a>") == "https://shop.example/\n")
        #expect(text("<a href=\"https://shop.example/\">shop.example</a>") == "https://shop.example/\n")
        #expect(text("<a href='HTTPS://Shop.Example/a'>  https://shop.example/a</a>.") == "HTTPS://Shop.Example/a.\n")
        #expect(text("<a href=\"https://x.example/?a=1&amp;b=2&copy=3\">x</a>") == "x (https://x.example/?a=1&b=2&copy=3)\n")
        #expect(text("<a href=\" https://x.example/a b\n\">x</a>") == "x (https://x.example/a%20b)\n")
        #expect(text("<a href=\"#top\">Back to top</a> <a href=\"javascript:void(0)\">js</a> <a name=\"n\">anchor</a>") == "Back to top js anchor\n")
        #expect(text("<a href=\"\">empty</a>") == "empty\n")
    }

    @Test("mailto links show the address")
    func mailto() {
        #expect(text("Write to <a href=\"mailto:help@shop.example\">help@shop.example</a>.") == "Write to help@shop.example.\n")
        #expect(text("<a href=\"MAILTO:help@shop.example?subject=Hi\">Contact us</a>") == "Contact us (help@shop.example)\n")
    }

    @Test("links around images and blocks keep their URL next to the text")
    func linkedImagesAndButtons() {
        #expect(text("<a href=\"https://shop.example/\"><img src=\"logo.png\" alt=\"Shop\"></a>") == "Shop (https://shop.example/)\n")
        #expect(text("<a href=\"https://shop.example/p/1\"><img src=\"p1.jpg\"></a>") == "https://shop.example/p/1\n")
        #expect(
            text("<p>Hi</p><a href=\"https://shop.example/go\"><table><tr><td>Shop now</td></tr></table></a><p>Bye</p>")
                == "Hi\n\nShop now (https://shop.example/go)\n\nBye\n"
        )
        #expect(
            text("<a href=\"https://a.example/\">one<a href=\"https://b.example/\">two</a>") == "one (https://a.example/)two (https://b.example/)\n"
        )
        #expect(text("<p><a href=\"https://a.example/x\">unclosed") == "unclosed (https://a.example/x)\n")
    }

    @Test("images give their alt text; tracking pixels and images without alt give nothing")
    func images() {
        #expect(text("<img src=\"a.png\" alt=\"Spring sale\"><img src=\"b.png\" alt=\"Up to 50&nbsp;% off\">") == "Spring sale Up to 50 % off\n")
        #expect(text("a<img src=\"t.gif\" width=\"1\" height=\"1\" alt=\"pixel\">b") == "ab\n")
        #expect(text("a<img src=\"t.gif\" width=\"0\" alt=\"x\">b<img src=\"t.gif\" height=1px alt=\"y\">c") == "abc\n")
        #expect(text("a <img src=\"x.png\" alt=\"\"> b <img src=\"y.png\"> c") == "a b c\n")
        #expect(text("<img src=\"hero.png\" width=\"600\" alt=\"  New   collection \">") == "New collection\n")
    }

    // MARK: Characters

    @Test("named character references common in mail, and all numeric ones")
    func entities() {
        let named = "&nbsp;|&amp;|&lt;|&gt;|&quot;|&#39;|&apos;|&copy;|&euro;|&hellip;|&mdash;|&ndash;|&rsquo;|&lsquo;|&ldquo;|&rdquo;|&trade;|&reg;"
        #expect(text(named) == "|&|<|>|\"|'|'|©|€|…|—|–|’|‘|“|”|™|®\n")
        #expect(
            text("&uuml;&szlig;&Eacute;&oelig;&bull;&middot;&laquo;&raquo;&deg;&pound;&times;&rarr;&alpha;&Omega;&sigmaf;&hearts;")
                == "üßÉœ•·«»°£×→αΩς♥\n"
        )
        #expect(text("&#8364;&#x20AC;&#X20ac;&#128;&#146;&#x1F600;&#169") == "€€€€’😀©\n")
        #expect(text("[&#0;][&#x110000;][&#55296;][&#99999999999999999999;]") == "[\u{FFFD}][\u{FFFD}][\u{FFFD}][\u{FFFD}]\n")
        #expect(text("&lt;p&gt;not a tag&lt;/p&gt;") == "<p>not a tag</p>\n")
    }

    @Test("unknown or unterminated references stay as written")
    func entityEdgeCases() {
        #expect(text("AT&T &bogus; &amp &copy 2026 &copy2026 & &# &#x; &") == "AT&T &bogus; & © 2026 &copy2026 & &# &#x; &\n")
        #expect(text("a&nbspb c&ampd") == "a&nbspb c&ampd\n")
    }

    @Test("white space collapses as in a browser; invisible preheader padding is dropped")
    func whiteSpace() {
        #expect(text("  a \t\n b\r\n\r\n   c  ") == "a b c\n")
        #expect(text("a&nbsp;&nbsp;&nbsp;b\u{00A0}\u{00A0}c") == "a b c\n")
        #expect(text("Preview&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#8203;&#65279;&shy;<p>x</p>") == "Preview\n\nx\n")
        #expect(text("Pre\u{034F}\u{200C}\u{00A0}\u{200B}\u{2060}\u{FEFF}\u{00AD}view") == "Pre view\n")
        #expect(text("می\u{200C}خواهم") == "می\u{200C}خواهم\n")
        #expect(text("tab\u{0001}\u{0007}bed") == "tabbed\n")
    }

    @Test("pre keeps spaces and line breaks, is not wrapped, and loses only trailing spaces")
    func preformatted() {
        let long = String(repeating: "x", count: 100)
        #expect(
            text("<p>Code:</p><pre>\n  let a = 1\n\n\n  if a &lt; 2 {  \n\t\(long) }</pre><p>Done</p>")
                == "Code:\n\n  let a = 1\n\n  if a < 2 {\n\t\(long) }\n\nDone\n"
        )
        #expect(text("<pre>one\r\ntwo\rthree</pre>") == "one\ntwo\nthree\n")
        #expect(text("<pre><a href=\"https://x.example/\">code\n</a></pre>") == "code\n(https://x.example/)\n")
    }

    // MARK: Wrapping

    @Test("lines wrap at 78 characters at spaces")
    func wrapping() {
        let words = (1...30).map { "word\($0)" }.joined(separator: " ")
        let expected = """
            word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12
            word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23
            word24 word25 word26 word27 word28 word29 word30

            """
        #expect(text("<p>\(words)</p>") == expected)
        #expect(text("<p>\(words)</p>", lineWidth: 40).split(separator: "\n").allSatisfy { $0.count <= 40 })
        #expect(text("<p>\(words)</p>", lineWidth: .max) == words + "\n")
        // Characters, not bytes: 38 two-byte letters, a space and 38 more are 77 characters (153 bytes).
        let umlauts = String(repeating: "ä", count: 38)
        #expect(text("\(umlauts) \(umlauts)") == "\(umlauts) \(umlauts)\n")
    }

    @Test("URLs are never broken: a long one gets a line of its own")
    func longURLs() {
        let url = "https://shop.example/" + String(repeating: "abcdefghij", count: 10) + "?utm_source=newsletter"
        #expect(text("<p>Read <a href=\"\(url)\">the article</a> today.</p>") == "Read the article\n(\(url))\ntoday.\n")
        #expect(text("<p>\(url)</p>") == "\(url)\n")
        let quoted = text("<blockquote>Read <a href=\"\(url)\">this</a></blockquote>")
        #expect(quoted == "> Read this\n> (\(url))\n")
    }

    @Test("quotes prefix every line, including wrapped and blank ones between quoted paragraphs")
    func quotes() {
        let words = (1...20).map { "quoted\($0)" }.joined(separator: " ")
        let result = text("<blockquote><p>\(words)</p><p>second</p><blockquote>nested</blockquote></blockquote><p>after</p>")
        #expect(
            result == """
                > quoted1 quoted2 quoted3 quoted4 quoted5 quoted6 quoted7 quoted8 quoted9
                > quoted10 quoted11 quoted12 quoted13 quoted14 quoted15 quoted16 quoted17
                > quoted18 quoted19 quoted20
                >
                > second
                >
                > > nested

                after

                """
        )
    }

    // MARK: Malformed HTML

    @Test("malformed HTML: unclosed tags, < in text, > in quoted attributes")
    func malformed() {
        #expect(text("<p>Unclosed <b>bold <i>italic<div>block") == "Unclosed bold italic\nblock\n")
        #expect(text("if a < b and c > d, 1 <2 and 3<4; <> <= <3") == "if a < b and c > d, 1 <2 and 3<4; <> <= <3\n")
        #expect(text("<a href=\"https://x.example/?q=>\" title='it>s'>Go</a>") == "Go (https://x.example/?q=>)\n")
        #expect(text("<p class=\"a\" data-x='\"'>text</p ><p\nclass=b\n>more</p>") == "text\n\nmore\n")
        #expect(text("</p></div>text</ul></blockquote></a></h1></pre></br>end") == "text\nend\n")
        #expect(text("<div>text<tag") == "text<tag\n")
        #expect(text("<div>text</") == "text\n")
        #expect(text("<p\u{0000}>x\u{0000}y</p>") == "xy\n")
    }

    @Test("malformed HTML: an unterminated quote ends at the next >; unclosed comments and scripts hide the rest")
    func unterminated() {
        #expect(text("<a href=\"https://x.example/>Go</a> on") == "Go (https://x.example/) on\n")
        #expect(text("<p>a</p><!-- open comment <p>b</p>") == "a\n")
        #expect(text("<p>a</p><script>var x = '</p>'; <p>b</p>") == "a\n")
        #expect(text("<p>a</p><!--><p>b</p><!---><p>c</p><!-- x --!><p>d</p>") == "a\n\nb\n\nc\n\nd\n")
        #expect(text("<style>a{}</styled></style>shown") == "shown\n")
    }

    @Test("random tag soup always gives tidy text: no blank runs, no trailing spaces, wrapped lines")
    func tagSoup() {
        var generator = TestSupport.SeededGenerator(state: 11)
        let pieces = [
            "<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<ul>", "</ul>", "<ol start=3>", "</ol>", "<blockquote>", "</blockquote>",
            "<h1>", "</h1>", "<h2>", "</h2>", "<td>", "<tr>", "<table>", "<a href=\"https://x.example/p?q=1\">", "</a>",
            "<a href='mailto:a@b.example'>",
            "<img alt=\"Alt text\">", "<img width=1 height=1>", "<!--", "-->", "<script>", "</script>", "<style>", "</style>", "<head>", "<body>",
            "<", ">", "\"", "'", "=", "&", "&amp;", "&nbsp;", "&#8217;", "&zwnj;", " ", "  ", "\n", "\t", "word", "longer words here", "ü€😀",
            String(repeating: "y", count: 90), "https://example.com/a/long/path/that/goes/on/and/on/and/on/for/a/while/longer/than/a/line",
        ]
        for round in 0..<400 {
            var html = ""
            for _ in 0..<(5 + Int(generator.next() % 120)) { html += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let result = text(html)
            #expect(result.isEmpty || (result.hasSuffix("\n") && !result.hasPrefix("\n") && !result.hasSuffix("\n\n")), "round \(round)")
            #expect(!result.contains("\n\n\n"), "round \(round)")
            for line in result.split(separator: "\n", omittingEmptySubsequences: false) {
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "round \(round): \(line)")
                // Too long only when it is one unbreakable word after its prefix.
                if line.unicodeScalars.count > 78 {
                    let word = line.drop { $0 == ">" || $0 == " " || $0 == "-" || $0.isNumber || $0 == "." }
                    #expect(!word.contains(" "), "round \(round): \(line)")
                }
            }
        }
    }

    @Test("deep nesting is handled, and indentation stays bounded")
    func deepNesting() {
        let depth = 5000
        let html =
            String(repeating: "<ul><li><blockquote><div>", count: depth) + "deep" + String(repeating: "</div></blockquote></li></ul>", count: depth)
        let result = text(html, lineWidth: .max)
        #expect(result.hasSuffix("deep\n"))
        #expect(result.split(separator: "\n").allSatisfy { $0.count < 60 })
    }

    // MARK: Size

    /// Inputs of about 1 MB shaped to hurt a converter that rescans: unclosed quotes, `<` without `>`,
    /// references that are not, unclosed links, one long word, one long paragraph, deep nesting.
    static let largeInputs: [(String, String)] = {
        let megabyte = 1 << 20
        func repeated(_ piece: String) -> String { String(repeating: piece, count: megabyte / piece.utf8.count) }
        let newsletter = """
            <tr><td><h2>Pick of the week</h2><p>Our new <b>ceramics</b> collection is in &mdash; <a href="https://shop.example/c?a=1&amp;b=2">shop now</a>.</p>
            <ul><li>Mug &ndash; &euro;18</li><li>Bowl</li></ul><img src="p.jpg" alt="Bowl" width="300"><img src="t.gif" width="1" height="1"></td></tr>

            """
        return [
            ("newsletter", "<html><head><style>p{}</style></head><body><table>" + repeated(newsletter) + "</table></body></html>"),
            ("unclosed quotes", repeated("<a x=\"") + ">"),
            ("unclosed single quotes", "<p title=\"x\">" + repeated("<a x='y>") + "'"),
            ("lone <", repeated("<") + ">"),
            ("tags without >", repeated("<a ")),
            ("end tags without >", ">" + repeated("</a ")),
            ("bogus references", repeated("&abcdefgh&#123456789&#x") + ";"),
            ("unclosed links", repeated("<a href=\"https://x.example/\">x ")),
            ("one word", repeated("x")),
            ("one paragraph", repeated("word ")),
            ("nesting", repeated("<ul><li><blockquote>") + "x"),
            ("breaks", repeated("<p>a</p><br>")),
            ("comment starts", repeated("<!-")),
            ("raw text starts", "<script>" + repeated("</scrip")),
        ]
    }()

    @Test("1 MB inputs of every shape convert in linear time")
    func largeInputs() {
        let clock = ContinuousClock()
        for (name, html) in Self.largeInputs {
            var result = ""
            let elapsed = clock.measure { result = HTMLText.plainText(fromHTML: html) }
            // Linear work takes milliseconds (tens in debug builds); quadratic work on 1 MB takes minutes.
            #expect(elapsed < .seconds(10), "\(name): \(elapsed)")
            #expect(result.utf8.count <= html.utf8.count * 2, "\(name)")
        }
    }

    @Test("a 1 MB newsletter gives the same text as its parts")
    func largeNewsletterOutput() {
        let part = "<p>Hello <a href=\"https://shop.example/\">shop</a> &amp; more</p>"
        let count = (1 << 20) / part.utf8.count
        let result = text(String(repeating: part, count: count))
        #expect(result == Array(repeating: "Hello shop (https://shop.example/) & more\n", count: count).joined(separator: "\n"))
    }

    // MARK: A typical newsletter

    static let newsletter = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Weekly picks</title>
        <style>body { font-family: Arial } .btn { color: #fff }</style>
        <!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->
        </head>
        <body>
        <span style="display:none">New ceramics are in &ndash; 20&nbsp;% off this week&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;</span>
        <table role="presentation" width="100%"><tr><td align="center">
          <a href="https://shop.example/?utm_source=mail&amp;utm_campaign=w48"><img src="https://shop.example/logo.png" alt="Shop" width="120"></a>
        </td></tr>
        <tr><td>
          <h1>Hello Ada, here are this week&rsquo;s picks</h1>
          <p>Our new <b>ceramics</b> collection is in. Every piece is hand-made in Lisbon &mdash; and this week only,
             they are 20&nbsp;% off.</p>
          <ul><li>Stoneware mug &ndash; &euro;18</li><li>Serving bowl &ndash; &euro;42</li></ul>
          <p><a href="https://shop.example/picks/u42" class="btn">See your picks &rarr;</a></p>
        </td></tr>
        <tr><td style="font-size:12px">
          <p>Questions? Write to <a href="mailto:help@shop.example">help@shop.example</a>.</p>
          <p>&copy; 2026 Shop &middot; <a href="https://shop.example/u/abc">Unsubscribe</a></p>
        </td></tr></table>
        <img src="https://t.shop.example/o/abc.gif" width="1" height="1" alt="">
        </body></html>
        """

    @Test("a typical newsletter")
    func typicalNewsletter() {
        #expect(
            text(Self.newsletter) == """
                New ceramics are in – 20 % off this week
                Shop (https://shop.example/?utm_source=mail&utm_campaign=w48)

                Hello Ada, here are this week’s picks
                =====================================

                Our new ceramics collection is in. Every piece is hand-made in Lisbon — and
                this week only, they are 20 % off.

                - Stoneware mug – €18
                - Serving bowl – €42

                See your picks → (https://shop.example/picks/u42)

                Questions? Write to help@shop.example.

                © 2026 Shop · Unsubscribe (https://shop.example/u/abc)

                """
        )
    }
}

@Suite("Messages without a text body")
struct GeneratedTextPartTests {
    private func message(text: String? = nil) -> Message {
        var message = Message(
            from: TestSupport.address("news@shop.example", name: "Shop"),
            to: [TestSupport.address("ada@example.com")],
            subject: "Your weekly picks",
            text: text,
            html: HTMLTextTests.newsletter,
            date: Date(timeIntervalSince1970: 1_795_357_199)
        )
        message.listUnsubscribe = ListUnsubscribe(url: "https://shop.example/u/abc")
        return message
    }

    /// The body parts of a `multipart/alternative` message: each part's header fields and decoded content.
    private func parts(_ rendered: RenderedMessage) throws -> [(header: String, content: String)] {
        let contentType = try #require(rendered.headerValue("Content-Type"))
        #expect(contentType.hasPrefix("multipart/alternative;"))
        let boundary = String(contentType.split(separator: "\"")[1])
        let body = TestSupport.string(rendered.body)
        #expect(body.hasSuffix("\r\n--\(boundary)--\r\n"))
        let pieces = body.components(separatedBy: "--\(boundary)\r\n").dropFirst()
        return try pieces.map { piece in
            let split = try #require(piece.range(of: "\r\n\r\n"))
            var content = String(piece[split.upperBound...])
            if let close = content.range(of: "\r\n--\(boundary)--") {
                content = String(content[..<close.lowerBound])
            }
            // The CRLF before the next delimiter belongs to the delimiter.
            else {
                content = String(decoding: content.utf8.dropLast(2), as: UTF8.self)
            }
            let header = String(piece[..<split.lowerBound])
            if header.contains("quoted-printable") { content = TestSupport.string(TestSupport.decodeQuotedPrintable(content)) }
            return (header, content)
        }
    }

    @Test("HTML without text renders multipart/alternative with the generated text part first")
    func generatedTextFirst() throws {
        var generator = TestSupport.SeededGenerator(state: 3)
        let rendered = try message().render(using: &generator)
        let parts = try parts(rendered)
        try #require(parts.count == 2)
        #expect(parts[0].header.hasPrefix("Content-Type: text/plain; charset=utf-8"))
        #expect(parts[1].header.hasPrefix("Content-Type: text/html; charset=utf-8"))
        let expected = HTMLText.plainText(fromHTML: HTMLTextTests.newsletter).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(parts[0].content == expected)
        #expect(parts[0].content.hasPrefix("New ceramics are in – 20 % off this week\r\n"))
        #expect(parts[1].content.replacingOccurrences(of: "\r\n", with: "\n") == HTMLTextTests.newsletter)
    }

    @Test("an explicit text body is used as it is, and an HTML-only message keeps working with attachments")
    func explicitTextAndNesting() throws {
        let rendered = try message(text: "Hand-written text\n").render()
        let parts = try parts(rendered)
        #expect(parts.map(\.content).first == "Hand-written text\r\n")

        var withAttachment = message()
        withAttachment.attachments = [Attachment(filename: "a.pdf", contentType: "application/pdf", data: [1, 2, 3])]
        let body = TestSupport.string(try withAttachment.render().body)
        let alternative = try #require(body.range(of: "Content-Type: multipart/alternative;"))
        let plain = try #require(body.range(of: "Content-Type: text/plain;"))
        let html = try #require(body.range(of: "Content-Type: text/html;"))
        #expect(alternative.lowerBound < plain.lowerBound && plain.lowerBound < html.lowerBound)
    }

    @Test("a DKIM-signed message with a generated text part verifies")
    func signed() throws {
        let signer = try DKIMSigner(domain: "shop.example", selector: "s2026", privateKeyPEM: DKIMTests.key.privateKeyPEM)
        var rendered = try message().render()
        let unsigned = rendered
        try signer.sign(&rendered, at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(rendered.body == unsigned.body)
        let verification = try DKIMVerification(signed: rendered, unsigned: unsigned)
        #expect(try verification.verifies(publicKeyBase64: DKIMTests.key.publicKeyBase64))
        var tampered = rendered
        tampered.body = Array(TestSupport.string(rendered.body).replacingOccurrences(of: "Lisbon", with: "Lisb0n").utf8)
        #expect(tampered.body != rendered.body)
        #expect(try !DKIMVerification(signed: tampered, unsigned: unsigned).verifies(publicKeyBase64: DKIMTests.key.publicKeyBase64))
    }
}
