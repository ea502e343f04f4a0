public import Foundation
public import Logging
public import ServiceLifecycle
public import TailorCore
public import TailorStore

/// The journey work of a running server: sleeps until the next run is due (or the trigger step sets an
/// earlier time), then moves due runs on. A step runs within moments of its time, without polling for it;
/// a look every `interval` catches what other processes or a restart left.
public struct JourneyRunner: Service {
    let service: JourneyService
    let settings: CampaignSettings
    let wakeups: JourneyWakeups
    let interval: Duration
    let logger: Logger

    public init(service: JourneyService, settings: CampaignSettings, wakeups: JourneyWakeups, interval: Duration = .seconds(5),
                logger: Logger = Logger(label: "tailor.journeys")) {
        self.service = service
        self.settings = settings
        self.wakeups = wakeups
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            // Runs that other processes start or move wake this one at once (PostgreSQL's LISTEN/NOTIFY).
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await service.stores.journeys.watchJourneyRuns { [wakeups] due in wakeups.due(due) }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("listening for journey changes failed; looking every \(interval)",
                                       metadata: ["error": "\(String(describing: type(of: error)))"])
                    }
                    try? await Task.sleep(for: interval)
                }
            }
            await runLoop()
            group.cancelAll()
        }
    }

    func runLoop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var next: Date?
            do {
                let told = wakeups.take()
                try await service.runDue(settings: settings)
                try await service.appendPendingEvents()
                next = [try await service.stores.journeys.nextJourneyDue(), told].compactMap { $0 }.min()
            } catch is CancellationError {
                return
            } catch {
                logger.error("journey run failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            let now = service.clock.now()
            // A due time told but not yet found (its transaction was committing) is looked at again shortly.
            let sleep = min(next.map { max(0.01, $0.timeIntervalSince(now)) } ?? .infinity, Double(interval.components.seconds))
            let wake = now.addingTimeInterval(sleep)
            // Wakes at the earliest of: the next due time, a new due time from the trigger step, the interval.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(sleep * 1000))) } }
                group.addTask { await wakeups.wait(until: wake) }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
