import Foundation
import TailorCore
import TailorEngine
import TailorMail
import TailorStore

extension Demo {
    /// The seed journeys triggered by events, created before the shop is loaded so that its last day's events
    /// start runs as they are stored (older events start none: docs/JOURNEYS.md).
    func createJourneys(_ runtime: Runtime) async throws {
        let service = JourneyService(stores: runtime.stores, clock: runtime.clock)
        for template in JourneyTemplates.all where template.id != "win-back" {
            try await service.create(name: nil, fromTemplate: template.id, parameters: [:])
        }
    }

    /// Win-back follows entries into the `lapsed` seed segment, so it is created once the segments exist: it
    /// starts with the next profiles to lapse.
    func createSegmentJourneys(_ runtime: Runtime) async throws {
        try await JourneyService(stores: runtime.stores, clock: runtime.clock).create(name: nil, fromTemplate: "win-back", parameters: [:])
    }

    /// Runs the journeys' due steps, delivers their emails into `journeys/` of the demo's mail folder, and
    /// prints each journey's runs per step.
    func runJourneys(_ runtime: Runtime, settings: Settings) async throws {
        let stores = runtime.stores
        let service = JourneyService(stores: stores, clock: runtime.clock)
        let steps = try await service.runDue(settings: try mailSettings(runtime, settings: settings))
        try await service.appendPendingEvents()
        let folder = Self.mailFolder + "/journeys"
        let delivered = try await deliver(runtime, into: folder)
        print("")
        print("journeys (`tailor journey show NAME`): \(steps) steps ran, \(delivered.sent) emails delivered into \(folder)/")
        for journey in try await service.list() {
            let status = try await service.status(journey.id)
            let waiting = journey.definition.steps.indices.map { "\(status.counts.activeAtStep[$0] ?? 0)" }.joined(separator: "/")
            let exited = status.counts.exited.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("  \(journey.id.padding(toLength: 16, withPad: " ", startingAt: 0)) waiting per step \(waiting); completed \(status.counts.completed)"
                  + (exited.isEmpty ? "" : "; ended: \(exited)"))
        }
    }
}
