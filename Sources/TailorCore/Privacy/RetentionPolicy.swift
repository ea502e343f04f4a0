public import Foundation

/// How long events are kept, per event name (docs/PRIVACY.md, "Retention"): an event whose name has a rule is
/// purged once its timestamp is more than that many days old. Names without a rule are kept for ever. The name
/// is the one the event stream shows: the track event (`Product Viewed`), the page or screen name, else the
/// call type (`identify`).
public struct RetentionPolicy: Sendable, Hashable {
    /// Days to keep, by event name.
    public private(set) var days: [String: Int]

    public init(_ days: [String: Int] = [:]) { self.days = days }

    public static let maxDays = 36_500

    /// The events of `name` older than this are purged at `now` (nil: kept).
    public func cutoff(for name: String, at now: Date) -> Date? {
        days[name].map { now.addingTimeInterval(-Double($0) * 86_400) }
    }

    /// A rule, checked. - Throws: ``RetentionPolicyError`` naming what is wrong.
    public mutating func set(_ name: String, days: Int) throws(RetentionPolicyError) {
        try Self.check(name, days)
        self.days[name] = days
    }

    public mutating func remove(_ name: String) { days[name] = nil }

    /// This policy with `other`'s rules over its own.
    public func overridden(by other: RetentionPolicy) -> RetentionPolicy {
        RetentionPolicy(days.merging(other.days) { _, theirs in theirs })
    }

    static func check(_ name: String, _ days: Int) throws(RetentionPolicyError) {
        guard !name.isEmpty, name.count <= 200, !name.contains(where: { $0.isNewline }) else {
            throw RetentionPolicyError("an event name is 1 to 200 characters on one line")
        }
        guard (1...maxDays).contains(days) else { throw RetentionPolicyError("days must be 1...\(maxDays)") }
    }

    /// Reads `TAILOR_RETENTION`: `NAME:DAYS` pairs separated by commas (`Page Viewed:90,Product Viewed:180`); the
    /// last colon of a pair separates the days.
    public init(parsing text: String) throws(RetentionPolicyError) {
        var policy = RetentionPolicy()
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let colon = part.lastIndex(of: ":"), let days = Int(part[part.index(after: colon)...].trimmingCharacters(in: .whitespaces)) else {
                throw RetentionPolicyError("'\(part)' is not EVENT:DAYS")
            }
            try policy.set(part[..<colon].trimmingCharacters(in: .whitespaces), days: days)
        }
        self = policy
    }

    /// The stored form: a JSON object from name to days.
    public var json: JSONObject { days.mapValues { .number(Double($0)) } }

    /// From the stored form. - Throws: ``RetentionPolicyError`` for anything but an object of whole days.
    public init(json: JSONValue) throws(RetentionPolicyError) {
        guard case .object(let o) = json else { throw RetentionPolicyError("the stored retention policy is not an object") }
        var policy = RetentionPolicy()
        for (name, value) in o {
            guard let d = value.doubleValue, d == d.rounded() else { throw RetentionPolicyError("the stored retention of \(name) is not whole days") }
            try policy.set(name, days: Int(d))
        }
        self = policy
    }
}

/// A retention rule that cannot be kept (an empty name, days out of range, a malformed `TAILOR_RETENTION`).
public struct RetentionPolicyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
