public import Foundation

/// A journey definition that cannot be read, with where (`steps[2].wait`).
public struct JourneyDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

extension JourneyDefinition {
    /// Reads the JSON form (docs/JOURNEYS.md). Template names are checked by the engine, which knows them.
    /// - Throws: ``JourneyDefinitionError`` naming the path.
    public init(json value: JSONValue, id: String, name: String) throws(JourneyDefinitionError) {
        guard case .object(let o) = value else { throw JourneyDefinitionError("", "a journey is a JSON object") }
        for key in o.keys where !["trigger", "goal", "reentry", "steps", "name", "description"].contains(key) {
            throw JourneyDefinitionError(key, "unknown field")
        }
        guard case .object(let t)? = o["trigger"] else { throw JourneyDefinitionError("trigger", "is required: an object") }
        for key in t.keys where !["event", "where", "segment_entered", "segment_exited", "not_followed_by", "within", "key"].contains(key) {
            throw JourneyDefinitionError("trigger.\(key)", "unknown field")
        }
        var trigger: Trigger
        let segmentForms = [("segment_entered", TailorEvent.segmentEntered), ("segment_exited", TailorEvent.segmentExited)].filter { t[$0.0] != nil }
        if let (field, event) = segmentForms.first {
            guard segmentForms.count == 1, t["event"] == nil, t["where"] == nil else {
                throw JourneyDefinitionError("trigger.\(field)", "goes alone: not with event, where or the other segment trigger")
            }
            guard let id = t[field]?.stringValue, !id.isEmpty else { throw JourneyDefinitionError("trigger.\(field)", "expected a segment id") }
            do {
                trigger = Trigger(event: event, filter: try .segment(id, event: event))
            } catch {
                throw JourneyDefinitionError("trigger.\(field)", "expected a segment id")
            }
        } else {
            guard let event = t["event"]?.stringValue, !event.isEmpty else {
                throw JourneyDefinitionError("trigger.event", "is required: an event name (or segment_entered, segment_exited)")
            }
            trigger = Trigger(event: event)
            if let w = t["where"], w != .null {
                guard let text = w.stringValue else { throw JourneyDefinitionError("trigger.where", "expected conditions on the event's properties") }
                do {
                    trigger.filter = try TriggerFilter(event: event, text: text)
                } catch {
                    throw JourneyDefinitionError("trigger.where", "\(error)")
                }
            }
        }
        if let b = t["not_followed_by"] {
            guard let s = b.stringValue, !s.isEmpty else { throw JourneyDefinitionError("trigger.not_followed_by", "expected an event name") }
            guard let w = t["within"] else { throw JourneyDefinitionError("trigger.within", "is required with not_followed_by") }
            trigger.notFollowedBy = s
            trigger.within = try Self.duration(w, path: "trigger.within")
        } else if t["within"] != nil {
            throw JourneyDefinitionError("trigger.within", "only with not_followed_by")
        }
        if let k = t["key"] {
            guard let s = k.stringValue else { throw JourneyDefinitionError("trigger.key", "expected \"profile\" or \"properties.NAME\"") }
            if s == "profile" {
                trigger.key = .profile
            } else if s.hasPrefix("properties."), s.count > 11 {
                trigger.key = .property(String(s.dropFirst(11)))
            } else {
                throw JourneyDefinitionError("trigger.key", "expected \"profile\" or \"properties.NAME\"")
            }
        }
        var goal: String?
        if let g = o["goal"], g != .null {
            guard case .object(let go) = g, let e = go["event"]?.stringValue, !e.isEmpty else {
                throw JourneyDefinitionError("goal", "expected {\"event\": NAME}")
            }
            goal = e
        }
        var reentry = Reentry.everyTime
        if let r = o["reentry"] {
            switch r {
            case .string("every_time"): reentry = .everyTime
            case .string("once"): reentry = .once
            case .object(let ro) where ro["once_per"] != nil: reentry = .oncePer(try Self.duration(ro["once_per"]!, path: "reentry.once_per"))
            default: throw JourneyDefinitionError("reentry", "expected \"every_time\", \"once\" or {\"once_per\": DURATION}")
            }
        }
        guard let list = o["steps"]?.arrayValue, !list.isEmpty else { throw JourneyDefinitionError("steps", "is required: a non-empty list") }
        let (steps, flow) = try Self.steps(list)
        self.init(id: id, name: name, trigger: trigger, goal: goal, reentry: reentry, steps: steps, flow: flow)
        try checkFlow()
    }

    /// The JSON form, as stored and shown.
    public var json: JSONValue {
        var t: JSONObject = ["event": .string(trigger.event)]
        if let filter = trigger.filter { t["where"] = .string(filter.text) }
        if let b = trigger.notFollowedBy { t["not_followed_by"] = .string(b) }
        if let w = trigger.within { t["within"] = .string(DurationText.format(w)) }
        switch trigger.key {
        case .profile: t["key"] = "profile"
        case .property(let p): t["key"] = .string("properties.\(p)")
        }
        var o: JSONObject = ["trigger": .object(t)]
        if let goal { o["goal"] = .object(["event": .string(goal)]) }
        switch reentry {
        case .everyTime: o["reentry"] = "every_time"
        case .once: o["reentry"] = "once"
        case .oncePer(let d): o["reentry"] = .object(["once_per": .string(DurationText.format(d))])
        }
        o["steps"] = .array(steps.indices.map(stepJSON))
        return .object(o)
    }

    static func duration(_ value: JSONValue, path: String) throws(JourneyDefinitionError) -> TimeInterval {
        guard let s = value.stringValue, let d = DurationText.parse(s) else {
            throw JourneyDefinitionError(path, "expected a duration such as 90s, 5m, 2h or 7d")
        }
        return d
    }
}
