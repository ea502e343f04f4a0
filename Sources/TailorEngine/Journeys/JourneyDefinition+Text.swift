public import TailorCore
import Foundation

extension JourneyDefinition {
    /// One line on what starts a run and what ends it early: `on Product Added not followed by Order
    /// Completed within 5m, goal Order Completed, 1 step`.
    public var summary: String {
        var s = "on \(trigger.event)"
        if let filter = trigger.filter { s += " where \(filter.text)" }
        if let b = trigger.notFollowedBy, let w = trigger.within { s += " not followed by \(b) within \(DurationText.format(w))" }
        if let goal { s += ", goal \(goal)" }
        return s + ", \(steps.count) step\(steps.count == 1 ? "" : "s")"
    }
}

extension JourneyDefinition.Step {
    /// What the step does, in a few words: `wait 2d`, `send abandoned-cart`, `set winback_code to a unique code`.
    public var summary: String {
        switch self {
        case .wait(let d): "wait \(DurationText.format(d))"
        case .waitUntil(.timeOfDay(let t)): "wait until \(t) local time"
        case .waitUntil(.trait(let name, let offset, _)):
            "wait until \(name)" + (offset == 0 ? "" : " \(offset < 0 ? "-" : "+") \(DurationText.format(abs(offset)))")
        case .waitFor(let w):
            switch w.awaited {
            case .event(let name, let filter): "wait for \(name)\(filter.map { " where \($0.text)" } ?? "") at most \(DurationText.format(w.timeout))"
            case .condition(let c): "wait until \(c.text) at most \(DurationText.format(w.timeout))"
            }
        case .branch(let c, _, _): "if \(c.text)"
        case .split(let paths): "split " + paths.map { "\($0.name) \(JSONWriter.string(.number($0.weight)))" }.joined(separator: " / ")
        case .webhook(let url, _): "webhook \(URL(string: url)?.host ?? url)"
        case .send(let template, let transactional): "send \(template)\(transactional ? " (transactional)" : "")"
        case .setTrait(let name, let value?): "set \(name) = \(JSONWriter.string(value))"
        case .setTrait(let name, nil): "set \(name) to a unique code"
        case .exit: "exit"
        }
    }
}

extension JourneyDefinition.Step {
    /// The step's type as events and reports name it: `wait`, `send`, `set_trait`, `exit`.
    public var kind: String {
        switch self {
        case .wait, .waitUntil: "wait"
        case .waitFor: "wait_for"
        case .branch: "branch"
        case .split: "split"
        case .webhook: "webhook"
        case .send: "send"
        case .setTrait: "set_trait"
        case .exit: "exit"
        }
    }
}
