import Foundation
import PostgresNIO
public import TailorCore
import TailorStore

// MARK: - EventExportStore

extension PostgresDatabase {
    public func exportEvents(after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await withContext("exporting events") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: Self.eventColumns), seq FROM events WHERE seq > \(after) ORDER BY seq LIMIT \(Int64(max(1, limit)))
                    """, on: conn).map { r in
                    StoredEvent(sequence: try r[11].decode(Int64.self), profileId: ProfileID(try r[1].decode(String.self)),
                                message: try Self.eventRow(r).message(cipher: self.cipher))
                }
            }
        }
    }
}
