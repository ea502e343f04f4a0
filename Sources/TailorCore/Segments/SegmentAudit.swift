public import Foundation

/// A review of the segments as a whole: sizes and their drift, overlap, and the over-segmentation pitfalls
/// (tiny, empty, near-duplicate, too many core segments). Pure; the CLI and the API feed it stored data.
public struct SegmentAudit: Sendable {
    public struct Entry: Sendable {
        public var id: String
        public var name: String
        public var size: Int
        /// Share of all live profiles.
        public var share: Double
        /// Size at the previous and the first recorded audit, when there are.
        public var previous: (at: Date, size: Int)?
        public var first: (at: Date, size: Int)?
        /// Whether it refers to no other segment (a top-level, "core" segment).
        public var core: Bool
    }

    public struct Overlap: Sendable, Hashable {
        public var a: String
        public var b: String
        public var shared: Int
        /// |A ∩ B| / |A ∪ B|.
        public var jaccard: Double
    }

    public var profiles: Int
    public var entries: [Entry]
    public var overlaps: [Overlap]
    public var warnings: [String]

    /// Core segments beyond which the audit warns (the "focus on 4–6 core segments" advice).
    public static let coreLimit = 6
    /// Below this share of profiles and this many members a segment is tiny: too small for a test or a model.
    public static let tinyShare = 0.01
    public static let tinyMembers = 100
    /// Overlap above which two segments are near-duplicates.
    public static let duplicateJaccard = 0.9

    public init(definitions: [SegmentDefinition], members: [String: Set<ProfileID>], profiles: Int,
                history: [String: [(Date, Int)]]) {
        self.profiles = profiles
        let sorted = definitions.sorted { $0.id < $1.id }
        entries = sorted.map { d in
            let size = members[d.id]?.count ?? 0
            let recorded = history[d.id] ?? []
            return Entry(id: d.id, name: d.name, size: size, share: profiles > 0 ? Double(size) / Double(profiles) : 0,
                         previous: recorded.last.map { ($0.0, $0.1) }, first: recorded.first.map { ($0.0, $0.1) },
                         core: d.condition.segmentReferences.isEmpty)
        }
        var overlaps: [Overlap] = []
        for (i, a) in sorted.enumerated() {
            for b in sorted[(i + 1)...] {
                let ma = members[a.id] ?? []
                let mb = members[b.id] ?? []
                let shared = ma.intersection(mb).count
                let union = ma.count + mb.count - shared
                overlaps.append(Overlap(a: a.id, b: b.id, shared: shared, jaccard: union > 0 ? Double(shared) / Double(union) : 0))
            }
        }
        self.overlaps = overlaps
        var warnings: [String] = []
        for e in entries {
            if e.size == 0 {
                warnings.append("\(e.id) is empty")
            } else if e.share < Self.tinyShare && e.size < Self.tinyMembers {
                warnings.append("\(e.id) is tiny: \(e.size) profiles (\(Self.percent(e.share))); too few for an A/B test or a model")
            }
        }
        for o in overlaps where o.jaccard >= Self.duplicateJaccard {
            warnings.append("\(o.a) and \(o.b) are near-duplicates (Jaccard \(String(format: "%.2f", o.jaccard))); combine them")
        }
        let core = entries.filter(\.core).count
        if core > Self.coreLimit {
            warnings.append("\(core) core segments: focus on 4–6 and build the others as refinements of them (in segment \"…\")")
        }
        self.warnings = warnings
    }

    static func percent(_ share: Double) -> String { String(format: "%.2f%%", share * 100) }

    /// A plain-text report.
    public var lines: [String] {
        var out = ["\(entries.count) segments over \(profiles) profiles", ""]
        out.append("segment".padding(toLength: 32, withPad: " ", startingAt: 0) + "size".leftPadded(10) + "share".leftPadded(9)
                   + "previous".leftPadded(12) + "first".leftPadded(12))
        for e in entries {
            func change(_ p: (at: Date, size: Int)?) -> String {
                guard let p else { return "-" }
                let d = e.size - p.size
                return d == 0 ? "=" : (d > 0 ? "+\(d)" : "\(d)")
            }
            out.append(e.id.padding(toLength: 32, withPad: " ", startingAt: 0) + String(e.size).leftPadded(10)
                       + Self.percent(e.share).leftPadded(9) + change(e.previous).leftPadded(12) + change(e.first).leftPadded(12))
        }
        let notable = overlaps.filter { $0.shared > 0 }.sorted { $0.jaccard > $1.jaccard }
        if !notable.isEmpty {
            out.append("")
            out.append("overlap (Jaccard)")
            for o in notable { out.append("  \(o.a) × \(o.b): \(String(format: "%.3f", o.jaccard)) (\(o.shared) shared)") }
        }
        out.append("")
        out.append(warnings.isEmpty ? "no warnings" : "warnings:")
        for w in warnings { out.append("  - " + w) }
        return out
    }

    public var json: JSONValue {
        .object([
            "profiles": .number(Double(profiles)),
            "segments": .array(entries.map { e in
                var o: JSONObject = ["id": .string(e.id), "name": .string(e.name), "size": .number(Double(e.size)), "share": .number(e.share),
                                     "core": .bool(e.core)]
                if let p = e.previous { o["previous"] = ["at": .string(ISO8601.format(p.at)), "size": .number(Double(p.size))] }
                if let f = e.first { o["first"] = ["at": .string(ISO8601.format(f.at)), "size": .number(Double(f.size))] }
                return .object(o)
            }),
            "overlaps": .array(overlaps.map { ["a": .string($0.a), "b": .string($0.b), "shared": .number(Double($0.shared)),
                                               "jaccard": .number($0.jaccard)] }),
            "warnings": .array(warnings.map { .string($0) }),
        ])
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
