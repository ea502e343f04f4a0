public import Foundation

// The steps' JSON form (docs/JOURNEYS.md): a list of objects, each with one action (`wait`, `wait_for`,
// `branch`, `split`, `send`, `webhook`, `set_trait`, `exit`), an optional `id` that other steps jump to, and
// an optional `next` (the id of the step to go on at, instead of the one written after it).
extension JourneyDefinition {
    static let actions = ["wait", "wait_for", "branch", "split", "send", "webhook", "set_trait", "exit"]

    /// Reads the steps in two passes: the ids first, so a step may jump forward.
    static func steps(_ list: [JSONValue]) throws(JourneyDefinitionError) -> ([Step], Flow) {
        var flow = Flow()
        var index: [String: Int] = [:]
        for (i, s) in list.enumerated() {
            guard case .object(let so) = s else { throw JourneyDefinitionError("steps[\(i)]", "expected an object") }
            guard let id = so["id"] else { continue }
            guard let text = id.stringValue, !text.isEmpty, !text.utf8.contains(0) else { throw JourneyDefinitionError("steps[\(i)].id", "expected a name") }
            if let other = index[text] { throw JourneyDefinitionError("steps[\(i)].id", "\(text) is already the id of steps[\(other)]") }
            index[text] = i
            flow.ids[i] = text
        }
        var steps: [Step] = []
        for (i, s) in list.enumerated() {
            let path = "steps[\(i)]"
            guard case .object(let so) = s else { throw JourneyDefinitionError(path, "expected an object") }
            let actions = actions.filter { so[$0] != nil }
            for key in so.keys where key != "id" && key != "next" && !Self.actions.contains(key) {
                throw JourneyDefinitionError("\(path).\(key)", "unknown field")
            }
            guard actions.count == 1, let action = actions.first, let value = so[action] else {
                throw JourneyDefinitionError(path, actions.isEmpty ? "expected one of \(Self.actions.joined(separator: ", "))"
                                                                   : "has \(actions.joined(separator: " and ")): one action per step")
            }
            /// A step named by id; `fallback` when the field is absent.
            func target(_ v: JSONValue?, _ field: String, fallback: Int) throws(JourneyDefinitionError) -> Int {
                guard let v, v != .null else { return fallback }
                guard let name = v.stringValue, let t = index[name] else {
                    throw JourneyDefinitionError(field, "expected the id of a step (no step has the id \(v.stringValue.map { "\"\($0)\"" } ?? "given"))")
                }
                return t
            }
            let successor = try target(so["next"], "\(path).next", fallback: i + 1)
            if successor != i + 1 { flow.next[i] = successor }
            if so["next"] != nil, ["exit", "branch", "split", "wait_for"].contains(action) {
                throw JourneyDefinitionError("\(path).next", action == "exit" ? "an exit has no next step" : "\(action) names where it goes in its own fields")
            }
            let p = "\(path).\(action)"
            switch action {
            case "wait":
                steps.append(try wait(value, path: p))
            case "wait_for":
                guard case .object(let w) = value else { throw JourneyDefinitionError(p, "expected {\"event\": NAME, \"timeout\": DURATION} or {\"condition\": …}") }
                for key in w.keys where !["event", "where", "condition", "timeout", "then", "on_timeout"].contains(key) {
                    throw JourneyDefinitionError("\(p).\(key)", "unknown field")
                }
                let awaited: WaitFor.Awaited
                switch (w["event"], w["condition"]) {
                case (let e?, nil):
                    guard let name = e.stringValue, !name.isEmpty else { throw JourneyDefinitionError("\(p).event", "expected an event name") }
                    var filter: TriggerFilter?
                    if let wh = w["where"], wh != .null {
                        guard let text = wh.stringValue else { throw JourneyDefinitionError("\(p).where", "expected conditions on the event's properties") }
                        do { filter = try TriggerFilter(event: name, text: text) } catch { throw JourneyDefinitionError("\(p).where", "\(error)") }
                    }
                    awaited = .event(name: name, filter: filter)
                case (nil, let c?):
                    if w["where"] != nil { throw JourneyDefinitionError("\(p).where", "only with event") }
                    awaited = .condition(try condition(c, path: "\(p).condition"))
                default:
                    throw JourneyDefinitionError(p, "give either event or condition")
                }
                guard let t = w["timeout"] else { throw JourneyDefinitionError("\(p).timeout", "is required: how long to wait at most") }
                steps.append(.waitFor(WaitFor(awaited: awaited, timeout: try duration(t, path: "\(p).timeout"),
                                              then: try target(w["then"], "\(p).then", fallback: successor),
                                              onTimeout: try target(w["on_timeout"], "\(p).on_timeout", fallback: successor))))
            case "branch":
                guard case .object(let b) = value, let c = b["if"] else { throw JourneyDefinitionError(p, "expected {\"if\": CONDITION, \"then\": ID, \"else\": ID}") }
                for key in b.keys where !["if", "then", "else"].contains(key) { throw JourneyDefinitionError("\(p).\(key)", "unknown field") }
                guard b["then"] != nil || b["else"] != nil else { throw JourneyDefinitionError(p, "give then, else or both (the ids of steps)") }
                steps.append(.branch(condition: try condition(c, path: "\(p).if"), then: try target(b["then"], "\(p).then", fallback: successor),
                                     otherwise: try target(b["else"], "\(p).else", fallback: successor)))
            case "split":
                guard let paths = value.arrayValue, paths.count >= 2 else {
                    throw JourneyDefinitionError(p, "expected at least two paths: [{\"name\": N, \"weight\": W, \"then\": ID}, …]")
                }
                var out: [SplitPath] = []
                for (k, pv) in paths.enumerated() {
                    let pp = "\(p)[\(k)]"
                    guard case .object(let po) = pv, let name = po["name"]?.stringValue, !name.isEmpty else {
                        throw JourneyDefinitionError("\(pp).name", "expected a name for the path")
                    }
                    for key in po.keys where !["name", "weight", "then"].contains(key) { throw JourneyDefinitionError("\(pp).\(key)", "unknown field") }
                    if out.contains(where: { $0.name == name }) { throw JourneyDefinitionError("\(pp).name", "\(name) names two paths") }
                    guard case .number(let weight)? = po["weight"], weight.isFinite, weight > 0 else {
                        throw JourneyDefinitionError("\(pp).weight", "expected a positive number")
                    }
                    out.append(SplitPath(name: name, weight: weight, then: try target(po["then"], "\(pp).then", fallback: successor)))
                }
                steps.append(.split(out))
            case "send":
                guard case .object(let sendObject) = value, let template = sendObject["template"]?.stringValue, !template.isEmpty else {
                    throw JourneyDefinitionError(p, "expected {\"template\": NAME}")
                }
                var transactional = false
                if let tr = sendObject["transactional"] {
                    guard case .bool(let b) = tr else { throw JourneyDefinitionError("\(p).transactional", "expected true or false") }
                    transactional = b
                }
                steps.append(.send(template: template, transactional: transactional))
            case "webhook":
                guard case .object(let h) = value else { throw JourneyDefinitionError(p, "expected {\"url\": URL, \"secret\": TEXT}") }
                for key in h.keys where !["url", "secret"].contains(key) { throw JourneyDefinitionError("\(p).\(key)", "unknown field") }
                guard let url = h["url"]?.stringValue, WebhookURL.isValid(url) else {
                    throw JourneyDefinitionError("\(p).url", "expected an http or https URL")
                }
                guard let secret = h["secret"]?.stringValue, secret.count >= 16 else {
                    throw JourneyDefinitionError("\(p).secret", "expected a signing secret of at least 16 characters")
                }
                steps.append(.webhook(url: url, secret: secret))
            case "set_trait":
                guard case .object(let setObject) = value, let name = setObject["name"]?.stringValue, !name.isEmpty, !name.utf8.contains(0) else {
                    throw JourneyDefinitionError(p, "expected {\"name\": TRAIT, \"value\": VALUE} or {\"name\": TRAIT, \"code\": true}")
                }
                switch (setObject["value"], setObject["code"]) {
                case (let value?, nil): steps.append(.setTrait(name: name, value: value))
                case (nil, .bool(true)?): steps.append(.setTrait(name: name, value: nil))
                default: throw JourneyDefinitionError(p, "give either value or \"code\": true")
                }
            default:
                steps.append(.exit)
            }
        }
        return (steps, flow)
    }

    /// `"5m"`, `{"until": "09:00"}` or `{"until_trait": NAME, "offset": "-3d", "at": "09:00"}`.
    static func wait(_ value: JSONValue, path: String) throws(JourneyDefinitionError) -> Step {
        if value.stringValue != nil { return .wait(try duration(value, path: path)) }
        guard case .object(let w) = value else {
            throw JourneyDefinitionError(path, "expected a duration (\"5m\"), {\"until\": \"HH:MM\"} or {\"until_trait\": TRAIT}")
        }
        for key in w.keys where !["until", "until_trait", "offset", "at"].contains(key) { throw JourneyDefinitionError("\(path).\(key)", "unknown field") }
        func time(_ field: String) throws(JourneyDefinitionError) -> TimeOfDay? {
            guard let v = w[field] else { return nil }
            guard let text = v.stringValue, let t = TimeOfDay(text) else { throw JourneyDefinitionError("\(path).\(field)", "expected a time of day, HH:MM") }
            return t
        }
        switch (w["until"], w["until_trait"]) {
        case (_?, nil):
            guard w["offset"] == nil, w["at"] == nil else { throw JourneyDefinitionError(path, "offset and at go with until_trait") }
            return .waitUntil(.timeOfDay(try time("until")!))
        case (nil, let t?):
            guard let name = t.stringValue, !name.isEmpty else { throw JourneyDefinitionError("\(path).until_trait", "expected a trait name") }
            var offset: TimeInterval = 0
            if let o = w["offset"] {
                guard let text = o.stringValue, let d = DurationText.parse(signed: text) else {
                    throw JourneyDefinitionError("\(path).offset", "expected a duration, negative for before the date (-3d)")
                }
                offset = d
            }
            return .waitUntil(.trait(name: name, offset: offset, at: try time("at")))
        default:
            throw JourneyDefinitionError(path, "give until (a time of day) or until_trait")
        }
    }

    static func condition(_ value: JSONValue, path: String) throws(JourneyDefinitionError) -> JourneyCondition {
        guard let text = value.stringValue, !text.isEmpty else { throw JourneyDefinitionError(path, "expected a condition in the condition language") }
        do {
            return try JourneyCondition(text: text)
        } catch {
            throw JourneyDefinitionError(path, "\(error)")
        }
    }

    /// Refuses a journey whose steps loop or that has a step no run can reach.
    func checkFlow() throws(JourneyDefinitionError) {
        func name(_ i: Int) -> String { flow.ids[i].map { "steps[\(i)] (\($0))" } ?? "steps[\(i)]" }
        // Depth-first from the first step: a target on the current path is a loop.
        var state = [UInt8](repeating: 0, count: steps.count)  // 0 unseen, 1 on the path, 2 done
        var stack: [(step: Int, next: Int)] = [(0, 0)]
        state[0] = 1
        while let top = stack.last {
            let targets = targets(of: top.step)
            guard top.next < targets.count else {
                state[top.step] = 2
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            let t = targets[top.next]
            guard t < steps.count else { continue }
            if state[t] == 1 { throw JourneyDefinitionError(name(top.step), "goes back to \(name(t)): a journey may not loop") }
            if state[t] == 0 {
                state[t] = 1
                stack.append((t, 0))
            }
        }
        if let unreachable = state.firstIndex(of: 0) {
            throw JourneyDefinitionError(name(unreachable), "is unreachable: no step goes on to it")
        }
    }

    /// One step's JSON, with its id and `next`; targets are written as ids, and left out where they are the
    /// step a run would go on to anyway.
    func stepJSON(_ i: Int) -> JSONValue {
        let successor = successor(of: i)
        func target(_ t: Int) -> JSONValue? { t == successor ? nil : flow.ids[t].map(JSONValue.string) }
        var o: JSONObject = [:]
        if let id = flow.ids[i] { o["id"] = .string(id) }
        if let n = flow.next[i], let id = flow.ids[n] { o["next"] = .string(id) }
        switch steps[i] {
        case .wait(let d): o["wait"] = .string(DurationText.format(d))
        case .waitUntil(.timeOfDay(let t)): o["wait"] = .object(["until": .string(t.description)])
        case .waitUntil(.trait(let name, let offset, let at)):
            var w: JSONObject = ["until_trait": .string(name)]
            if offset != 0 { w["offset"] = .string(DurationText.format(signed: offset)) }
            if let at { w["at"] = .string(at.description) }
            o["wait"] = .object(w)
        case .waitFor(let w):
            var wo: JSONObject = ["timeout": .string(DurationText.format(w.timeout))]
            switch w.awaited {
            case .event(let name, let filter):
                wo["event"] = .string(name)
                if let filter { wo["where"] = .string(filter.text) }
            case .condition(let c): wo["condition"] = .string(c.text)
            }
            if let t = target(w.then) { wo["then"] = t }
            if let t = target(w.onTimeout) { wo["on_timeout"] = t }
            o["wait_for"] = .object(wo)
        case .branch(let c, let then, let otherwise):
            var b: JSONObject = ["if": .string(c.text)]
            if let t = target(then) { b["then"] = t }
            if let t = target(otherwise) { b["else"] = t }
            o["branch"] = .object(b)
        case .split(let paths):
            o["split"] = .array(paths.map { p in
                var po: JSONObject = ["name": .string(p.name), "weight": .number(p.weight)]
                if let t = target(p.then) { po["then"] = t }
                return .object(po)
            })
        case .send(let template, let transactional):
            o["send"] = .object(["template": .string(template), "transactional": .bool(transactional)])
        case .webhook(let url, let secret): o["webhook"] = .object(["url": .string(url), "secret": .string(secret)])
        case .setTrait(let name, let value?): o["set_trait"] = .object(["name": .string(name), "value": value])
        case .setTrait(let name, nil): o["set_trait"] = .object(["name": .string(name), "code": .bool(true)])
        case .exit: o["exit"] = .bool(true)
        }
        return .object(o)
    }
}

/// The URLs webhooks may call: absolute http or https with a host.
public enum WebhookURL {
    public static func isValid(_ text: String) -> Bool {
        guard text.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return false }
        return true
    }
}
