/// Plain text from an HTML email body: what a reader of the HTML sees, as text.
///
/// ``Message`` uses it to write the `text/plain` part of a message that only has HTML, so that every
/// message Tailor sends has one. The conversion is a single pass over the UTF-8 bytes (no regular
/// expressions, no backtracking): its time and memory are linear in the size of the HTML, whatever the
/// HTML is.
///
/// ## Rules
///
/// - **Not shown:** `<head>` (and everything in it), `<style>`, `<script>`, `<title>`, `<template>`,
///   `<xml>`, `<iframe>`, comments (including Outlook's conditional comments), doctype and processing
///   instructions. Text hidden with CSS (a preheader in a `display:none` span) is shown: it is text.
/// - **Blocks** end the line. `p`, `h1`–`h6`, `blockquote`, `pre`, `dl`, `hr` and outer lists are
///   paragraphs: one blank line before and after. `div`, `table`, `tr`, `li`, `dt`, `dd`, `caption`
///   and the other block containers (`section`, `header`, `footer`, `center`, …) end a line without a
///   blank one. `<br>` ends a line; two in a row leave a
///   blank line. There is never more than one blank line in a row, none at the start or the end, and
///   no line ends with a space.
/// - **Table cells** (`td`, `th`) on one row are separated by a space.
/// - **Lists:** an `li` starts with `- ` (`1. `, `2. ` … in an `ol`, counting from its `start`); the
///   item's other lines, and nested lists, are indented under its text.
/// - **Headings** are paragraphs of their own; `h1` is underlined with `=` and `h2` with `-`, the
///   width of the heading's longest line. `h3`–`h6` are not decorated.
/// - **Quotes:** lines in a `blockquote` start with `> `.
/// - **Links** become `text (https://url)`; just the URL when the text is the URL (ignoring the
///   scheme, a trailing `/` and ASCII case), or when the link has no text (an image without `alt`).
///   A `mailto:` link shows the address (`Write to us (help@shop.example)`). Links to `#anchors`,
///   `javascript:` and `data:` show only their text.
/// - **Images** give their `alt` text; images without `alt`, with an empty one, or 1 pixel (or 0)
///   wide or high (tracking pixels) give nothing.
/// - **Character references:** every numeric one (`&#8217;`, `&#x2019;`; `&#128;`–`&#159;` read as
///   Windows-1252, as browsers do) and the 253 named ones of HTML 4 and XHTML (`&nbsp;`, `&amp;`,
///   `&euro;`, `&hellip;`, `&mdash;`, `&rsquo;`, `&uuml;` …). A named reference needs its `;`, except
///   `&amp`, `&lt`, `&gt`, `&quot`, `&nbsp`, `&copy` and `&reg` in text; an unknown one stays as written.
/// - **White space** collapses as in a browser: runs of spaces, tabs and line breaks become one space,
///   none at the start or end of a line. Non-breaking spaces (`U+00A0`, `U+2007`, `U+202F`) are spaces
///   here. Invisible characters used to pad preheaders (soft hyphen, `U+034F`, zero-width space, word
///   joiner, byte order mark, and a zero-width non-joiner that does not follow a non-ASCII letter) are
///   dropped. Inside `pre`, spaces and line breaks are kept as written.
/// - **Wrapping:** lines longer than `lineWidth` (78) characters — Unicode scalars, prefixes included —
///   are broken at spaces. A word longer than a line (a URL) is never broken: it gets a line of its
///   own. `pre` lines are never wrapped.
/// - **Malformed HTML** is read the way browsers read it where that keeps text: a `<` that does not
///   start a tag is text; attribute values in quotes may contain `>`; unclosed elements end at the end
///   of the input. Where browsers would hide the rest of the document, text is kept instead: a `<tag`
///   with no `>` after it is text, and a quoted attribute value that is never closed ends at the next `>`.
///   Unclosed comments and `<script>`/`<style>` elements hide the rest, as in browsers.
///
/// Lines end with LF; the result ends with one LF unless it is empty.
public enum HTMLText {
    /// The width lines are wrapped to: 78 characters, as RFC 5322 §2.1.1 recommends for mail.
    public static let defaultLineWidth = 78

    /// Converts an HTML email body to readable plain text (see ``HTMLText`` for the rules).
    /// - Parameters:
    ///   - html: an HTML document or fragment; any content, well-formed or not.
    ///   - lineWidth: where lines are wrapped, in characters; `Int.max` for no wrapping.
    /// - Returns: the text, LF line endings, ending with one LF (or empty when the HTML shows no text).
    public static func plainText(fromHTML html: String, lineWidth: Int = defaultLineWidth) -> String {
        var html = html
        let bytes = html.withUTF8 { input -> [UInt8] in
            var converter = Converter(input, lineWidth: max(lineWidth, 1))
            return converter.run()
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
