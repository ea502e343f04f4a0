public import Foundation
import PostgresNIO
import TailorCore
public import TailorStore

// MARK: - TemplateStore

extension PostgresDatabase {
    public func insertTemplate(_ t: EmailTemplate) async throws -> Bool {
        try await withContext("saving a template") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO email_templates (\(unescaped: TemplateRecord.columns))
                    VALUES (\(t.name), \(t.kind.rawValue), \(PostgresText.clean(t.subject)), \(PostgresText.clean(t.preheader)),
                            \(PostgresText.clean(t.html)), \(PostgresText.clean(t.text)), \(t.layout), \(PostgresText.clean(t.from)),
                            \(Int32(clamping: t.recommendationCount)), \(t.createdAt.millisecondsSince1970), \(t.updatedAt.millisecondsSince1970))
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """, on: conn).count == 1
            }
        }
    }

    public func updateTemplate(_ t: EmailTemplate) async throws -> Bool {
        try await withContext("saving a template") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    UPDATE email_templates SET kind = \(t.kind.rawValue), subject = \(PostgresText.clean(t.subject)),
                      preheader = \(PostgresText.clean(t.preheader)), html = \(PostgresText.clean(t.html)), text = \(PostgresText.clean(t.text)),
                      layout = \(t.layout), sender = \(PostgresText.clean(t.from)), recommendation_count = \(Int32(clamping: t.recommendationCount)),
                      updated_at = \(t.updatedAt.millisecondsSince1970)
                    WHERE name = \(t.name) RETURNING name
                    """, on: conn).count == 1
            }
        }
    }

    public func template(named name: String) async throws -> EmailTemplate? {
        try await withContext("reading a template") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: TemplateRecord.columns) FROM email_templates WHERE name = \(PostgresText.clean(name))",
                                    on: conn).first.map(Self.template)
            }
        }
    }

    public func templates() async throws -> [EmailTemplate] {
        try await withContext("listing templates") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: TemplateRecord.columns) FROM email_templates ORDER BY name", on: conn).map(Self.template)
            }
        }
    }

    public func deleteTemplate(named name: String) async throws -> Bool {
        try await withContext("deleting a template") {
            try await self.client.withConnection { conn in
                try await self.rows("DELETE FROM email_templates WHERE name = \(PostgresText.clean(name)) RETURNING name", on: conn).count == 1
            }
        }
    }

    static func template(_ r: PostgresRandomAccessRow) throws -> EmailTemplate {
        try TemplateRecord.template(
            name: try r[0].decode(String.self), kind: try r[1].decode(String.self), subject: try r[2].decode(String.self),
            preheader: try r[3].decode(String.self), html: try r[4].decode(String.self), text: try r[5].decode(String?.self),
            layout: try r[6].decode(String?.self), from: try r[7].decode(String?.self), recommendationCount: Int(try r[8].decode(Int32.self)),
            createdAt: try r[9].decode(Int64.self), updatedAt: try r[10].decode(Int64.self))
    }
}
