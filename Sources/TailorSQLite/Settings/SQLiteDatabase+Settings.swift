public import Foundation
import GRDB
import TailorStore

// MARK: - SettingsStore

extension SQLiteDatabase {
    public func setting(_ name: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        try await durableWrite { db in
            try db.execute(sql: "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                           arguments: [name, value, Date().millisecondsSince1970])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? value
        }
    }

    public func putSetting(_ name: String, value: String, at now: Date) async throws {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, arguments: [name, value, now.millisecondsSince1970])
        }
    }
}
