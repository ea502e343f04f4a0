import Foundation

extension StandardFilters {
    static let html: [Filter] = [
        .unary("escape") { v in v.isNil ? .null : .safe(HTML.escape(str(v))) },
        .unary("h") { v in v.isNil ? .null : .safe(HTML.escape(str(v))) },
        .unary("escape_once") { v in .safe(HTML.escapeOnce(str(v))) },
        .unary("newline_to_br") { v in
            var out = ""
            for scalar in str(v).replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
                if scalar == "\n" { out += "<br />\n" } else { out.unicodeScalars.append(scalar) }
            }
            return .string(out)
        },
        .unary("strip_html") { v in .string(stripHTML(str(v))) },
        /// Marks a value as safe markup: autoescape leaves it alone.
        .unary("safe") { v in .safe(str(v)) },
        .unary("raw") { v in .safe(str(v)) },
    ]

    static func stripHTML(_ s: String) -> String {
        var t = s
        for pattern in ["(?is)<script.*?</script>", "(?is)<style.*?</style>", "(?s)<!--.*?-->", "(?s)<.*?>"] {
            t = t.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        return t
    }
}
