public import Foundation
import GRDB
import TailorCore
public import TailorStore

// MARK: - TemplateStore

extension SQLiteDatabase {
    public func insertTemplate(_ template: EmailTemplate) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO email_templates (name, kind, subject, preheader, html, text, layout, sender, recommendation_count, created_at,
                                             updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING
                """, arguments: Self.templateArguments(template))
            return db.changesCount == 1
        }
    }

    public func updateTemplate(_ template: EmailTemplate) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: """
                UPDATE email_templates SET kind = ?, subject = ?, preheader = ?, html = ?, text = ?, layout = ?, sender = ?,
                  recommendation_count = ?, updated_at = ?
                WHERE name = ?
                """, arguments: [template.kind.rawValue, template.subject, template.preheader, template.html, template.text, template.layout,
                                 template.from, template.recommendationCount, template.updatedAt.millisecondsSince1970, template.name])
            return db.changesCount == 1
        }
    }

    public func template(named name: String) async throws -> EmailTemplate? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(TemplateRecord.columns) FROM email_templates WHERE name = ?", arguments: [name])
                .map(Self.template)
        }
    }

    public func templates() async throws -> [EmailTemplate] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(TemplateRecord.columns) FROM email_templates ORDER BY name").map(Self.template)
        }
    }

    public func deleteTemplate(named name: String) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM email_templates WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }

    static func templateArguments(_ t: EmailTemplate) -> StatementArguments {
        [t.name, t.kind.rawValue, t.subject, t.preheader, t.html, t.text, t.layout, t.from, t.recommendationCount,
         t.createdAt.millisecondsSince1970, t.updatedAt.millisecondsSince1970]
    }

    static func template(_ row: Row) throws -> EmailTemplate {
        try TemplateRecord.template(name: row[0], kind: row[1], subject: row[2], preheader: row[3], html: row[4], text: row[5], layout: row[6],
                                    from: row[7], recommendationCount: row[8], createdAt: row[9], updatedAt: row[10])
    }
}
