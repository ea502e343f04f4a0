public import Foundation
public import TailorCore
public import TailorStore

/// Who reads a person's data, through what, and why: what the access log records of each read.
public struct AccessContext: Sendable, Equatable {
    /// `admin_key` or `key:<name>` (a named API key), `dashboard:<user email>`, `cli:<system user>`.
    public var actor: String
    /// The route pattern (`GET /v1/profiles/{id}`) or the command (`tailor privacy export`).
    public var action: String
    /// Why, as the reader said; checked by ``PrivacyService/purpose(_:)``.
    public var purpose: String?

    public init(actor: String, action: String, purpose: String? = nil) {
        self.actor = actor
        self.action = action
        self.purpose = purpose
    }

    /// A read from the admin API with the admin key.
    public static func adminKey(_ route: String, purpose: String?) -> AccessContext {
        AccessContext(actor: "admin_key", action: route, purpose: purpose)
    }

    /// A read by a command, as the system user who ran it.
    public static func cli(_ command: String, purpose: String?) -> AccessContext {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        return AccessContext(actor: "cli:" + user, action: command, purpose: purpose)
    }
}

// MARK: - The access log

extension PrivacyService {
    /// The longest purpose kept.
    public static let maximumPurposeLength = 200

    /// A purpose as given (`X-Tailor-Purpose`, `--purpose`), trimmed; nil when empty.
    /// - Throws: ``RequestError`` `.invalid` (field `purpose`) for one that is too long or holds control characters.
    public static func purpose(_ text: String?) throws -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maximumPurposeLength else {
            throw RequestError(.invalid, "a purpose is at most \(maximumPurposeLength) characters", field: "purpose")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RequestError(.invalid, "a purpose must not hold control characters", field: "purpose")
        }
        return trimmed
    }

    /// Records one read of a person's data.
    public func recordAccess(to profile: ProfileID, _ access: AccessContext) async throws {
        try await stores.privacy.recordAccess([AccessLogEntry(profileId: profile, at: clock.now(), actor: access.actor, action: access.action,
                                                              purpose: access.purpose)])
    }

    /// Records a read of the profile a reference names, when it names one (a read that found nobody read nothing).
    public func recordAccess(to reference: ProfileReference, _ access: AccessContext) async throws {
        if let view = try await stores.profiles.profile(reference) { try await recordAccess(to: view.id, access) }
    }

    /// A person's access log, oldest first: the reads of their profile and of the profiles merged into it. An
    /// erased person's log stays (it names only Tailor's id, the reader and the route), so it is found by
    /// the erased profile id or identity too.
    /// - Throws: ``RequestError`` `.notFound` for a reference that names no profile, live or erased.
    public func accessLog(_ reference: ProfileReference) async throws -> (profile: ProfileID, entries: [AccessLogEntry]) {
        let id: ProfileID
        if let view = try await stores.profiles.profile(reference) {
            id = view.id
        } else if let receipt = try await stores.privacy.erasureReceipt(reference) {
            id = receipt.profileId
        } else {
            throw RequestError(.notFound, "no such profile", field: "profile")
        }
        return (id, try await stores.privacy.accessLog(of: id))
    }
}

extension AccessLogEntry {
    public var json: JSONObject {
        ["profile_id": .string(profileId.rawValue), "at": ProfileJSON.time(at), "actor": .string(actor), "action": .string(action),
         "purpose": purpose.map { .string($0) } ?? .null]
    }
}
