import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `campaign create`'s experiment options: variants, a holdout, a test phase (docs/EXPERIMENTS.md).
struct ExperimentOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A variant, as key=value pairs separated by commas: name (required), weight, subject, preheader, template, send_at, send_time. "
            + "Quote a value holding a comma: subject=\"Hi, {{ traits.first_name }}\" (repeatable).",
        valueName: "name=A,subject=…,weight=50")) var variant: [String] = []
    @Option(help: "The share of the audience held out (gets nothing): 10% or 0.1.") var holdout: String?
    @Option(help: "Send the variants to this share of the audience first (10% or 0.1); the rest gets the winner.") var test: String?
    @Option(name: .customLong("test-for"), help: "How long the test runs before --at-end applies: 90m, 24h, 3d.") var testFor = "24h"
    @Option(help: "What the test compares per recipient: clicks (default), conversions, revenue, or opens.") var metric = "clicks"
    @Option(name: .customLong("at-end"), help: "When the test's time ends without a winner: best (send the best so far) or stop.")
    var atEnd = "best"
    @Option(help: "The level of the test (default 0.05).") var alpha = 0.05
    @Option(help: "The whole design as the API's JSON (variants, holdout, test), instead of the options above.") var experiment: String?

    /// The design the options give, or nil.
    func design() throws -> CampaignExperiment? {
        var object: JSONObject
        if let experiment {
            guard variant.isEmpty, holdout == nil, test == nil else {
                throw ValidationError("give --experiment FILE or --variant/--holdout/--test, not both")
            }
            let text: String
            do { text = try String(contentsOfFile: experiment, encoding: .utf8) } catch { throw ValidationError("--experiment: cannot read \(experiment)") }
            guard case .object(let o)? = try? JSONParser.parse(text) else { throw ValidationError("--experiment: \(experiment) is not a JSON object") }
            object = o
        } else {
            guard !variant.isEmpty || holdout != nil else {
                guard test == nil else { throw ValidationError("--test needs at least two --variant") }
                return nil
            }
            object = [:]
            object["variants"] = .array(try variant.enumerated().map { i, text in .object(try Self.pairs(text, option: "--variant #\(i + 1)")) })
            if let holdout { object["holdout"] = .number(try Self.share(holdout, option: "--holdout")) }
            if let test {
                object["test"] = .object(["share": .number(try Self.share(test, option: "--test")), "duration": .string(testFor),
                                          "metric": .string(metric), "at_end": .string(atEnd), "alpha": .number(alpha)])
            }
        }
        do {
            return try CampaignExperiment.parse(object)
        } catch {
            throw ValidationError("\(error.field): \(error.message)")
        }
    }

    /// `key=value,key="value, with comma",…` as an object; `weight` is a number.
    static func pairs(_ text: String, option: String) throws -> JSONObject {
        var out: JSONObject = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let eq = rest.firstIndex(of: "=") else { throw ValidationError("\(option): expected key=value, got \(rest.prefix(20))") }
            let key = rest[..<eq].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\"" {
                        if rest.first == "\"" { value.append("\""); rest = rest.dropFirst(); continue }
                        closed = true
                        break
                    }
                    value.append(c)
                }
                guard closed else { throw ValidationError("\(option): the quoted value of \(key) is not closed") }
                guard rest.isEmpty || rest.first == "," else { throw ValidationError("\(option): a comma must follow the quoted value of \(key)") }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            if rest.first == "," { rest = rest.dropFirst() }
            guard ["name", "weight", "subject", "preheader", "template", "send_at", "send_time"].contains(key) else {
                throw ValidationError("\(option): unknown key \(key) (name, weight, subject, preheader, template, send_at, send_time)")
            }
            if key == "weight" {
                guard let w = Double(value) else { throw ValidationError("\(option): weight is a number") }
                out[key] = .number(w)
            } else {
                out[key] = .string(value)
            }
        }
        return out
    }

    /// `10%` or `0.1` as a share.
    static func share(_ text: String, option: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let p = Double(t.dropLast()) { return p / 100 }
        guard let v = Double(t) else { throw ValidationError("\(option) is a share, like 10% or 0.1") }
        return v
    }
}

struct CampaignShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show",
                                                    abstract: "A campaign: its settings, counts, and its experiment (variants, assignment, state).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    @Flag(help: "Print JSON (as `status --json`, with `experiment`).") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let status = try await CampaignService(stores: runtime.stores, clock: runtime.clock).status(name)
            if json {
                print(JSONWriter.string(.object(status.json)))
                return
            }
            let c = status.campaign
            print("campaign \(c.id) (\(c.name)): \(c.state.rawValue)")
            print("template \(c.template), segments \(c.segments.joined(separator: ", "))"
                  + (c.excluded.isEmpty ? "" : ", excluding \(c.excluded.joined(separator: ", "))"))
            CampaignStatusCommand.printCounts(status)
            guard let design = c.experiment else { return }
            CampaignShowCommand.printExperiment(design, status: status)
        }
    }

    static func printExperiment(_ design: CampaignExperiment, status: CampaignService.Status) {
        let assignment = status.assignment
        func counts(_ name: String) -> String {
            let byStatus = assignment[name] ?? [:]
            let total = byStatus.values.reduce(0, +)
            let parts = byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(total) assigned" + (parts.isEmpty ? "" : " (\(parts))")
        }
        let total = design.variants.reduce(0) { $0 + $1.weight }
        print("experiment: holdout \(percent(design.holdout))")
        for v in design.variants {
            var overrides: [String] = []
            if let s = v.subject { overrides.append("subject \"\(s)\"") }
            if let s = v.preheader { overrides.append("preheader \"\(s)\"") }
            if let s = v.template { overrides.append("template \(s)") }
            if let d = v.sendAt { overrides.append("send at \(ISO8601.format(d))") }
            if let m = v.sendTime { overrides.append("send time \(m.rawValue)") }
            print("  variant \(v.name): weight \(percent((1 - design.holdout) * v.weight / total)) of the audience; \(counts(v.name))"
                  + (overrides.isEmpty ? "" : "; " + overrides.joined(separator: ", ")))
        }
        if design.holdout > 0 { print("  holdout: \(counts(VariantAssignment.holdout))") }
        if let waiting = assignment["waiting"]?["pending"] { print("  waiting for the decision: \(waiting)") }
        guard let test = design.test else { return }
        print("test: \(percent(test.share)) of the audience first, for \(CampaignExperiment.format(test.duration)), metric \(test.metric.rawValue), "
              + "alpha \(test.alpha), at the end: \(test.atEnd.rawValue)")
        let record = status.experiment
        print("state: \(record?.state.rawValue ?? "testing")" + (record?.winner.map { ", winner \($0)" } ?? "")
              + (record?.analysis["reason"]?.stringValue.map { " (\($0))" } ?? ""))
        if let analysis = record?.analysis { printAnalysis(analysis) }
    }

    static func printAnalysis(_ analysis: JSONObject) {
        for arm in analysis["arms"]?.arrayValue ?? [] {
            guard let a = arm.objectValue else { continue }
            print("  \(a["variant"]?.stringValue ?? "?"): \(Int(a["recipients"]?.doubleValue ?? 0)) recipients, mean \(format(a["mean"]?.doubleValue))")
        }
        for comparison in analysis["comparisons"]?.arrayValue ?? [] {
            guard let c = comparison.objectValue else { continue }
            print("  \(c["b"]?.stringValue ?? "?") − \(c["a"]?.stringValue ?? "?"): \(format(c["difference"]?.doubleValue)) over "
                  + "\(Int(c["pairs"]?.doubleValue ?? 0)) pairs, always-valid p \(format(c["p_value"]?.doubleValue)) "
                  + "(Holm \(format(c["adjusted_p_value"]?.doubleValue))), interval [\(format(c["ci_low"]?.doubleValue)), \(format(c["ci_high"]?.doubleValue))]")
        }
        if let srm = analysis["srm"]?.objectValue {
            print("  sample ratio: chi2 \(format(srm["chi2"]?.doubleValue)), p \(format(srm["p_value"]?.doubleValue))"
                  + (srm["mismatch"]?.boolValue == true ? ": MISMATCH, no winner is sent" : ""))
        }
    }

    static func percent(_ v: Double) -> String { String(format: "%g%%", (v * 1000).rounded() / 10) }

    static func format(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.4g", v)
    }
}

struct CampaignDecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide", abstract: "Check a campaign's test and decide it when the statistics (or the test's time) say so.",
        discussion: "A winner goes to the rest of the audience at the next `campaign send` (a running `tailor serve` sends it at once).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    @Option(help: "Decide by hand: this variant goes to the rest.") var winner: String?
    @Flag(help: "Print JSON (as `show --json`).") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let service = CampaignService(stores: runtime.stores, clock: runtime.clock)
            let record = try await service.decide(name, winner: winner)
            let status = try await service.status(name)
            if json {
                print(JSONWriter.string(.object(status.json)))
                return
            }
            let reason = record.analysis["reason"]?.stringValue ?? ""
            switch record.state {
            case .decided: print("campaign \(status.campaign.id): winner \(record.winner ?? "?") (\(reason)); `tailor campaign send \(status.campaign.id)` sends it to the rest")
            case .stopped: print("campaign \(status.campaign.id): stopped without a winner (\(reason)); the rest gets nothing")
            case .blocked: print("campaign \(status.campaign.id): blocked (\(reason)): no winner is sent; decide by hand with --winner, or cancel")
            case .testing: print("campaign \(status.campaign.id): no decision yet (\(reason))")
            }
            CampaignShowCommand.printAnalysis(record.analysis)
        }
    }
}
