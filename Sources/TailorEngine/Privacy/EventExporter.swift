public import Foundation
public import TailorCore
public import TailorStore

/// The event export (`tailor export events`, docs/PRIVACY.md): the event log as JSON lines, in the order it was
/// stored. Plain, each line is the stored message in Segment's shape with its `profile_id`. Pseudonymized, each line
/// is `{"pseudonym", "type", "event", "timestamp", "properties", "traits"}`: the profile id replaced by its keyed
/// pseudonym (``Pseudonymizer``), no user, anonymous or message id, no `context` (address, user agent, page URL),
/// and no personal property or trait (``PersonalDataPolicy``: names, emails, phones, addresses, and any value
/// holding an email address).
public struct EventExporter: Sendable {
    public let store: any EventExportStore
    public let policy: PersonalDataPolicy
    /// Events read per page.
    public var pageSize = 5_000

    public init(store: any EventExportStore, policy: PersonalDataPolicy = .default) {
        self.store = store
        self.policy = policy
    }

    /// Writes the lines in pieces; returns how many events were written.
    /// - Parameters:
    ///   - pseudonymizer: pseudonymize (see the type's description); nil: the plain export.
    ///   - names: only events of these names (nil: all).
    ///   - since: only events timestamped at or after this.
    public func export(pseudonymizer: Pseudonymizer?, names: Set<String>? = nil, since: Date? = nil,
                       write: (String) throws -> Void) async throws -> Int {
        var cursor: Int64 = 0
        var written = 0
        while true {
            let page = try await store.exportEvents(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            cursor = last.sequence
            var text = ""
            for e in page {
                if let names, !names.contains(e.message.eventName) { continue }
                if let since, e.message.timestamp < since { continue }
                let line: JSONObject = pseudonymizer.map { pseudonymized(e, with: $0) } ?? plain(e)
                text += JSONWriter.string(.object(line)) + "\n"
                written += 1
            }
            try write(text)
            if page.count < pageSize { break }
        }
        return written
    }

    func plain(_ e: StoredEvent) -> JSONObject {
        var o = e.message.json
        o["profile_id"] = .string(e.profileId.rawValue)
        return o
    }

    /// The pseudonymized line of an event.
    public func pseudonymized(_ e: StoredEvent, with pseudonymizer: Pseudonymizer) -> JSONObject {
        let m = e.message
        var o: JSONObject = ["pseudonym": .string(pseudonymizer.pseudonym(e.profileId.rawValue)), "type": .string(m.type.rawValue),
                             "event": .string(m.eventName), "timestamp": .string(ISO8601.format(m.timestamp))]
        let properties = policy.split(m.properties).plain
        if !properties.isEmpty { o["properties"] = .object(properties) }
        let traits = policy.split(m.traits).plain
        if !traits.isEmpty { o["traits"] = .object(traits) }
        return o
    }
}
