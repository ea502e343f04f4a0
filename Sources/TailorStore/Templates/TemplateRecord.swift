import Foundation
import TailorCore

/// How both adapters store a template: one row, the columns in this order.
package enum TemplateRecord {
    package static let columns = "name, kind, subject, preheader, html, text, layout, sender, recommendation_count, created_at, updated_at"

    package static func template(name: String, kind: String, subject: String, preheader: String, html: String, text: String?, layout: String?,
                                 from: String?, recommendationCount: Int, createdAt: Int64, updatedAt: Int64) throws -> EmailTemplate {
        guard let kind = EmailTemplate.Kind(rawValue: kind) else { throw StoreError(.corruptRow, "template \(name): unknown kind") }
        return EmailTemplate(name: name, kind: kind, subject: subject, preheader: preheader, html: html, text: text, layout: layout, from: from,
                             recommendationCount: recommendationCount, createdAt: Date(millisecondsSince1970: createdAt),
                             updatedAt: Date(millisecondsSince1970: updatedAt))
    }
}
