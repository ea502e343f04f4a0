public import TailorCore
public import TailorStore

extension EmailTemplate {
    /// What lists show: name, kind, subject, layout, when it changed.
    public var summaryJSON: JSONObject {
        ["name": .string(name), "kind": .string(kind.rawValue), "subject": .string(subject), "layout": layout.map { .string($0) } ?? .null,
         "updated_at": .string(ISO8601.format(updatedAt))]
    }

    /// Every field, as the CLI's `--json` and the API show a template.
    public var json: JSONObject {
        var o = summaryJSON
        o["preheader"] = .string(preheader)
        o["html"] = .string(html)
        o["text"] = text.map { .string($0) } ?? .null
        o["from"] = from.map { .string($0) } ?? .null
        o["recommendations"] = .number(Double(recommendationCount))
        o["created_at"] = .string(ISO8601.format(createdAt))
        return o
    }
}
