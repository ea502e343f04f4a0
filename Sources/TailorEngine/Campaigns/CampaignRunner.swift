public import Foundation
public import Logging
public import ServiceLifecycle
public import TailorCore
public import TailorStore

/// The campaign work of a running server: starts scheduled campaigns when their time comes, sends the
/// campaigns that are sending (started through the API, or left half-done by a crash or a restart), and
/// marks them sent once the outbox has delivered everything. Campaigns with a test phase are checked every
/// `experimentInterval` and decided when due (``CampaignService/decide(_:winner:)``); the next look sends the
/// winner to the rest. Several servers may run it on one
/// PostgreSQL database: starting is a compare-and-set and each recipient has one idempotency key.
public struct CampaignRunner: Service {
    let service: CampaignService
    let settings: CampaignSettings
    /// How often the campaigns are looked at.
    let interval: Duration
    /// How often an experiment's test is checked (its statistics read every event of the campaign).
    let experimentInterval: TimeInterval
    let logger: Logger

    public init(service: CampaignService, settings: CampaignSettings, interval: Duration = .seconds(1), experimentInterval: TimeInterval = 60,
                logger: Logger = Logger(label: "tailor.campaigns")) {
        self.service = service
        self.settings = settings
        self.interval = interval
        self.experimentInterval = experimentInterval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await runOnce()
            } catch is CancellationError {
                return
            } catch {
                logger.error("campaign run failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await gracefulShutdownSleep(interval)
        }
    }

    /// One look at every campaign; returns the ids of those it sent to.
    @discardableResult
    public func runOnce() async throws -> [String] {
        let now = service.clock.now()
        var worked: [String] = []
        for c in try await service.list() {
            switch c.state {
            case .scheduled where (c.scheduledAt ?? now) <= now:
                break
            case .sending:
                break
            default:
                continue
            }
            do {
                let status = try await service.send(c.id, settings: settings)
                if status.counts.pending == 0 { worked.append(c.id) }
                try await service.decideIfDue(status.campaign, interval: experimentInterval)
            } catch let e as RequestError where e.code == .illegalState {
                continue  // paused or cancelled meanwhile
            }
        }
        return worked
    }
}

extension CampaignRunner {
    /// Sleeps unless the service group shuts down first.
    func gracefulShutdownSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
