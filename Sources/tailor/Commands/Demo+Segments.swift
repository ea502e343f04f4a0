import Foundation
import TailorCore
import TailorEngine
import TailorStore

extension Demo {
    /// Creates the seed segments from their templates, scores RFM, and prints the sizes.
    func showSegments(_ runtime: Runtime) async throws {
        let service = SegmentService(stores: runtime.stores, clock: runtime.clock)
        let started = Date()
        let summary = try await service.refreshRFM()
        print("")
        print("segments (created from `tailor segment templates`, evaluated at \(ISO8601.format(runtime.clock.now()))):")
        for template in SegmentTemplates.all {
            let (def, _) = try await service.define(template: template.id)
            let size = try await runtime.stores.segments.memberCount(of: def.id)
            print("  \(def.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(repeating: " ", count: max(0, 7 - String(size).count)))\(size)   \(def.condition.text)")
        }
        print("RFM groups of \(summary.customers) customers: "
              + RFMGroup.allCases.compactMap { g in summary.groups[g.rawValue].map { "\(g.rawValue) \($0)" } }.joined(separator: ", "))
        try await service.recordSegmentSizes()
        Console.note("segments computed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        if let example = try await runtime.stores.segments.members(of: "cart-abandoners-over-50", after: nil, limit: 1).first,
           let user = try await runtime.stores.segments.userIds(of: [example])[example] {
            print("Why is someone in a segment? tailor segment explain cart-abandoners-over-50 --profile user:\(user) "
                  + "--database-url \(runtime.settings.databaseURL)")
        }
    }
}
