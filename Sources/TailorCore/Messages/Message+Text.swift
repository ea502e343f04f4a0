// MARK: - Text that can be stored as it is

extension Message {
    /// The first of the message's identifiers and names (`messageId`, `userId`, `anonymousId`, `previousId`,
    /// `groupId`, `event`, `name`) that holds the NUL character (U+0000), by its wire name; nil when none does.
    ///
    /// Such a message is refused wherever it enters. Databases do not keep a NUL in text (SQLite binds text up
    /// to its first NUL, PostgreSQL refuses it), while identity resolution compares whole strings: an id with a
    /// NUL would be one id to the planner and another to the database, which detaches a profile's history
    /// from its identities. Traits and properties may hold a NUL: they are stored as JSON, where it is escaped.
    public var fieldWithNUL: String? {
        let fields: [(String, String?)] = [
            ("messageId", messageId), ("userId", userId), ("anonymousId", anonymousId), ("previousId", previousId),
            ("groupId", groupId), ("event", event), ("name", name),
        ]
        for case (let field, let value?) in fields where value.utf8.contains(0) { return field }
        return nil
    }
}
