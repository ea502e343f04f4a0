import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore

/// The one-pass link rewriting finds exactly the links the earlier regular expression found
/// (`(<a\b[^>]*?\bhref\s*=\s*)(["'])([^"']*)\2`, case-insensitive), on hand-picked and generated HTML.
@Suite("Link rewriting")
struct LinkRewriteTests {
    static let pattern = try! NSRegularExpression(pattern: #"(<a\b[^>]*?\bhref\s*=\s*)(["'])([^"']*)\2"#, options: [.caseInsensitive])

    /// The http(s) targets the reference expression wraps, in order.
    static func referenceTargets(_ html: String) -> [String] {
        let source = html as NSString
        return pattern.matches(in: html, range: NSRange(location: 0, length: source.length)).compactMap { match in
            let raw = source.substring(with: match.range(at: 3))
            let target = raw.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            let lower = target.lowercased()
            return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? target : nil
        }
    }

    /// The targets the rewritten HTML's click links carry, in order.
    static func rewrittenTargets(_ html: String, _ links: TrackingLinks, _ token: TrackingToken) -> [String] {
        let out = links.rewrite(html: html, token: token)
        var targets: [String] = []
        var rest = Substring(out)
        while let r = rest.range(of: "/t/c/") {
            let after = rest[r.upperBound...]
            guard let q = after.range(of: "?u=") else { break }
            let end = after[q.upperBound...].firstIndex(where: { $0 == "\"" || $0 == "'" }) ?? after.endIndex
            targets.append(String(after[q.upperBound..<end]).removingPercentEncoding ?? "")
            rest = after[end...]
        }
        return targets
    }

    @Test func findsTheLinksTheRegularExpressionFound() {
        let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
        let token = TrackingToken(profileID: ProfileID("p1"), campaign: "c1", messageKey: "c1:p1")
        var cases = [
            #"<a href="https://a.test/x">x</a>"#, #"<A HREF = 'http://b.test/'>b</A>"#, #"<abbr href="https://no.test">n</abbr>"#,
            #"<a data-href="https://no.test" href="https://yes.test">y</a>"#, #"<a href="https://q.test/it's">q</a><a href='https://r.test'>r</a>"#,
            #"<a title="x>y" href="https://s.test">s</a>"#, #"<a href=https://bare.test>bare</a>"#, "<a\nhref\n=\n\"https://nl.test\">nl</a>",
            ##"<a href="mailto:x@y.test">m</a> <a href="#top">t</a>"##, #"<a href="https://amp.test/?a=1&amp;b=2">a</a>"#, "<a", "<a href=\"https://cut",
            #"<a href="https://é.test/ü">u</a>"#, #"<aa href="https://no.test">"#, #"<a_x href="https://no.test">"#,
        ]
        var rng = SystemRandomNumberGenerator()
        // Anchors built from varied parts (some malformed), with junk between them.
        func anchor() -> String {
            let tag = ["<a", "<A", "<a", "<ab", "<a_"].randomElement(using: &rng)!
            let before = [" ", "\n", " class=\"x\" ", " title='a>b' ", " data-href=\"https://no.test\" ", ""].randomElement(using: &rng)!
            let attr = ["href", "HREF", "Href", "xhref"].randomElement(using: &rng)!
            let equals = ["=", " = ", "\n=\n", ""].randomElement(using: &rng)!
            let open = ["\"", "'", ""].randomElement(using: &rng)!
            let close = Bool.random(using: &rng) ? open : ["\"", "'"].randomElement(using: &rng)!
            let url = ["https://g.test/p", "http://h.test", "HTTPS://UP.test", "mailto:m@x.test", "#top", "https://a.test/?a=1&amp;b=2",
                       "https://q.test/it's", "https://é.test/ü", ""].randomElement(using: &rng)!
            return tag + before + attr + equals + open + url + close + [">", " >", ""].randomElement(using: &rng)! + "text</a>"
        }
        for _ in 0..<500 {
            cases.append((0..<Int.random(in: 1...4, using: &rng)).map { _ in anchor() + ["", " <b>x</b> ", "\n", "<br>"].randomElement(using: &rng)! }.joined())
        }
        var withLinks = 0
        for html in cases {
            let expected = Self.referenceTargets(html)
            if !expected.isEmpty { withLinks += 1 }
            #expect(Self.rewrittenTargets(html, links, token) == expected, "\(html)")
        }
        #expect(withLinks > 40, "too few cases hold a link to compare")
    }
}
