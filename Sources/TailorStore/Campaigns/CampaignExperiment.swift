public import Foundation
public import TailorCore

/// A campaign's experiment (docs/EXPERIMENTS.md, "Campaign experiments"): variants of its email, a holdout that
/// gets nothing, and optionally a test phase after which the winner goes to the rest of the audience.
///
/// Its JSON form is the API's and the stored one (`campaigns.experiment`):
/// `{"variants": [{"name", "weight", "subject", "preheader", "template", "send_at", "send_time"}], "holdout": 0.1,
///   "test": {"share": 0.2, "duration": "24h", "metric": "clicks", "at_end": "best", "alpha": 0.05}}`.
public struct CampaignExperiment: Sendable, Hashable {
    /// One version of the email. Absent overrides keep the campaign's.
    public struct Variant: Sendable, Hashable {
        public var name: String
        /// Relative weight (any positive scale).
        public var weight: Double
        public var subject: String?
        public var preheader: String?
        /// Another stored email template.
        public var template: String?
        /// Not sent before this time.
        public var sendAt: Date?
        /// `now` or `optimal`, instead of the campaign's.
        public var sendTime: SendTime?

        public init(name: String, weight: Double = 1, subject: String? = nil, preheader: String? = nil, template: String? = nil,
                    sendAt: Date? = nil, sendTime: SendTime? = nil) {
            self.name = name
            self.weight = weight
            self.subject = subject
            self.preheader = preheader
            self.template = template
            self.sendAt = sendAt
            self.sendTime = sendTime
        }
    }

    /// What the test compares, per recipient.
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        /// A human click (bot clicks left out): a proportion. The default.
        case clicks
        /// An attributed conversion: a proportion.
        case conversions
        /// Attributed revenue: a mean.
        case revenue
        /// A human open (machine opens left out): a proportion. Only on request: opens are inflated by privacy proxies.
        case opens
    }

    /// What happens when the test's time ends without a winner.
    public enum AtEnd: String, Sendable, Hashable, CaseIterable {
        /// The variant that did best so far goes to the rest.
        case best
        /// The rest gets nothing.
        case stop
    }

    /// A share of the audience gets the variants first; the rest waits for the decision.
    public struct TestPhase: Sendable, Hashable {
        /// In (0, 1).
        public var share: Double
        /// Seconds after the campaign starts when the test ends without a winner.
        public var duration: TimeInterval
        public var metric: Metric
        public var atEnd: AtEnd
        /// The level of the always-valid test (two-sided).
        public var alpha: Double

        public init(share: Double, duration: TimeInterval, metric: Metric = .clicks, atEnd: AtEnd = .best, alpha: Double = 0.05) {
            self.share = share
            self.duration = duration
            self.metric = metric
            self.atEnd = atEnd
            self.alpha = alpha
        }
    }

    public var variants: [Variant]
    /// The share of the audience held out, in [0, 1).
    public var holdout: Double
    public var test: TestPhase?

    public init(variants: [Variant], holdout: Double = 0, test: TestPhase? = nil) {
        self.variants = variants
        self.holdout = holdout
        self.test = test
    }

    /// The deterministic assignment of a campaign's recipients.
    public func assignment(campaign: String) -> VariantAssignment {
        VariantAssignment(experiment: campaign, arms: variants.map { VariantAssignment.Arm($0.name, weight: $0.weight) }, holdout: holdout)
    }

    public func variant(named name: String) -> Variant? { variants.first { $0.name == name } }

    // MARK: - JSON

    /// What is wrong with an experiment's JSON: the field (`variants[1].weight`) and why.
    public struct Problem: Error, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    /// Reads and checks the JSON form: names of letters, digits, `-` and `_` (not `holdout`), unique; weights
    /// positive; the holdout in [0, 0.9]; a test needs two variants, a share in (0, 1) and a duration.
    /// With no variants but a holdout, the campaign's email is the one variant `control`.
    /// - Throws: ``Problem`` naming the field.
    public static func parse(_ object: JSONObject) throws(Problem) -> CampaignExperiment {
        func bad(_ field: String, _ message: String) -> Problem { Problem(field: field, message: message) }
        var variants: [Variant] = []
        switch object["variants"] {
        case nil, .null?: break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                let at = "variants[\(i)]"
                guard case .object(let v) = item else { throw bad(at, "a variant is an object") }
                guard let name = v["name"]?.stringValue, isValidName(name) else {
                    throw bad("\(at).name", "a variant's name is 1 to 40 letters, digits, '-' or '_', and not 'holdout'")
                }
                guard !variants.contains(where: { $0.name == name }) else { throw bad("\(at).name", "two variants are named \(name)") }
                var variant = Variant(name: name)
                if let w = v["weight"], !w.isNull {
                    guard let weight = w.doubleValue, weight > 0, weight.isFinite else { throw bad("\(at).weight", "a weight is a positive number") }
                    variant.weight = weight
                }
                func text(_ key: String) throws(Problem) -> String? {
                    guard let value = v[key], !value.isNull else { return nil }
                    guard let s = value.stringValue, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                        throw bad("\(at).\(key)", "\(key) is a non-empty string")
                    }
                    return s
                }
                variant.subject = try text("subject")
                variant.preheader = try text("preheader")
                variant.template = try text("template")
                if let when = try text("send_at") {
                    guard let date = ISO8601.parse(when) else { throw bad("\(at).send_at", "send_at is an ISO-8601 time") }
                    variant.sendAt = date
                }
                if let mode = try text("send_time") {
                    guard let m = SendTime(rawValue: mode) else { throw bad("\(at).send_time", "send_time is now or optimal") }
                    variant.sendTime = m
                }
                variants.append(variant)
            }
        default: throw bad("variants", "variants is a list of objects")
        }
        var holdout = 0.0
        if let h = object["holdout"], !h.isNull {
            guard let share = h.doubleValue, share >= 0, share <= 0.9 else { throw bad("holdout", "holdout is a share from 0 to 0.9") }
            holdout = share
        }
        if variants.isEmpty {
            guard holdout > 0 else { throw bad("variants", "an experiment needs variants or a holdout") }
            variants = [Variant(name: "control")]
        }
        var experiment = CampaignExperiment(variants: variants, holdout: holdout)
        switch object["test"] {
        case nil, .null?: break
        case .object(let t)?:
            guard variants.count >= 2 else { throw bad("test", "a test phase compares at least two variants") }
            guard let share = t["share"]?.doubleValue, share > 0, share < 1 else { throw bad("test.share", "test.share is a share between 0 and 1") }
            guard let text = t["duration"]?.stringValue, let duration = seconds(text), duration > 0 else {
                throw bad("test.duration", "test.duration is a duration like 24h (units s, m, h, d, w)")
            }
            var phase = TestPhase(share: share, duration: duration)
            if let m = t["metric"], !m.isNull {
                guard let metric = m.stringValue.flatMap(Metric.init(rawValue:)) else {
                    throw bad("test.metric", "test.metric is clicks, conversions, revenue or opens")
                }
                phase.metric = metric
            }
            if let e = t["at_end"], !e.isNull {
                guard let atEnd = e.stringValue.flatMap(AtEnd.init(rawValue:)) else { throw bad("test.at_end", "test.at_end is best or stop") }
                phase.atEnd = atEnd
            }
            if let a = t["alpha"], !a.isNull {
                guard let alpha = a.doubleValue, alpha > 0, alpha < 0.5 else { throw bad("test.alpha", "test.alpha is between 0 and 0.5") }
                phase.alpha = alpha
            }
            experiment.test = phase
        default: throw bad("test", "test is an object")
        }
        return experiment
    }

    /// The JSON form (`parse` reads it back).
    public var json: JSONObject {
        var out: JSONObject = [
            "variants": .array(variants.map { v in
                var o: JSONObject = ["name": .string(v.name), "weight": .number(v.weight)]
                if let s = v.subject { o["subject"] = .string(s) }
                if let s = v.preheader { o["preheader"] = .string(s) }
                if let s = v.template { o["template"] = .string(s) }
                if let d = v.sendAt { o["send_at"] = .string(ISO8601.format(d)) }
                if let m = v.sendTime { o["send_time"] = .string(m.rawValue) }
                return .object(o)
            }),
            "holdout": .number(holdout),
        ]
        if let t = test {
            out["test"] = .object(["share": .number(t.share), "duration": .string(Self.format(t.duration)), "metric": .string(t.metric.rawValue),
                                   "at_end": .string(t.atEnd.rawValue), "alpha": .number(t.alpha)])
        }
        return out
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40 && name != VariantAssignment.holdout
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// `90s`, `30m`, `24h`, `7d`, `2w` in seconds.
    public static func seconds(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let amount = Double(t.dropLast()), amount >= 0, amount.isFinite else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        case "w": return amount * 604_800
        default: return nil
        }
    }

    /// Seconds in the largest whole unit: `86400` → `1d`, `5400` → `90m`.
    public static func format(_ seconds: TimeInterval) -> String {
        for (unit, size) in [("w", 604_800.0), ("d", 86_400), ("h", 3600), ("m", 60)] where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size))\(unit)"
        }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
