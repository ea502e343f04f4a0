public import Foundation
import PostgresNIO
import TailorStore

// MARK: - Settings

// MARK: - SettingsStore

extension PostgresDatabase {
    public func setting(_ name: String) async throws -> String? {
        try await withContext("reading a setting") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT value FROM settings WHERE name = \(name)", on: conn).first.map { try $0[0].decode(String.self) }
            }
        }
    }

    public func putSetting(_ name: String, value: String, at now: Date) async throws {
        try await withContext("saving a setting") {
            try await self.client.withConnection { conn in
                _ = try await self.rows("""
                    INSERT INTO settings (name, value, updated_at) VALUES (\(name), \(value), \(now.millisecondsSince1970))
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, on: conn)
            }
        }
    }

    /// The first node to store a setting wins; every other node reads the winner's value back.
    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String {
        try await withContext("saving a setting") {
            try await self.client.withConnection { conn in
                let inserted = try await self.rows("""
                    INSERT INTO settings (name, value, updated_at) VALUES (\(name), \(value), \(Date().millisecondsSince1970))
                    ON CONFLICT (name) DO NOTHING RETURNING value
                    """, on: conn)
                if let row = inserted.first { return try row[0].decode(String.self) }
                // Someone else's row; it committed before ours conflicted, so this read sees it.
                return try await self.rows("SELECT value FROM settings WHERE name = \(name)", on: conn).first.map { try $0[0].decode(String.self) } ?? value
            }
        }
    }
}
