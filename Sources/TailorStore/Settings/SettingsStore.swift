public import Foundation

/// Small named values the deployment keeps in its database (the generated write key, the admin key's
/// hash), so that every node of a cluster sees the same.
public protocol SettingsStore: Sendable {
    func setting(_ name: String) async throws -> String?
    /// Stores the value unless one is there already; returns the value that is stored afterwards.
    func insertSettingIfAbsent(_ name: String, value: String) async throws -> String
    /// Stores the value, replacing any (a cursor, a policy the operator changes).
    func putSetting(_ name: String, value: String, at now: Date) async throws
}
