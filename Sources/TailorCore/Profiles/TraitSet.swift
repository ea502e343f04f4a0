/// A profile's traits, where each trait remembers the event that set it so that the newest value wins
/// whatever order identify calls arrive in (and a rebuild from the events gives the same traits).
public struct TraitSet: Sendable, Hashable {
    public private(set) var values: JSONObject
    public private(set) var stamps: [String: EventKey]

    public init(values: JSONObject = [:], stamps: [String: EventKey] = [:]) {
        self.values = values
        self.stamps = stamps
    }

    /// Sets each trait unless a newer event already set it.
    public mutating func apply(_ traits: JSONObject, at key: EventKey) {
        for (name, value) in traits {
            if let existing = stamps[name], existing > key { continue }
            values[name] = value
            stamps[name] = key
        }
    }

    /// Combines two profiles' traits: for each trait, the newer setting wins.
    public mutating func merge(_ other: TraitSet) {
        for (name, stamp) in other.stamps {
            if let existing = stamps[name], existing > stamp { continue }
            values[name] = other.values[name]
            stamps[name] = stamp
        }
    }

    /// Stamps as JSON (`{"trait": [ms, "messageId"]}`), for storage.
    public var stampsJSON: JSONObject {
        stamps.mapValues { .array([.number(Double($0.milliseconds)), .string($0.messageId)]) }
    }

    public static func stamps(fromJSON json: JSONObject) -> [String: EventKey] {
        var out: [String: EventKey] = [:]
        for (k, v) in json {
            if case .array(let a) = v, a.count == 2, let ms = a[0].doubleValue, let id = a[1].stringValue {
                out[k] = EventKey(milliseconds: Int64(ms), messageId: id)
            }
        }
        return out
    }
}
