import Foundation
public import Logging
public import ServiceLifecycle

/// Purges events under the retention policy while the server runs: ``RetentionService/apply()`` every `interval`
/// (an hour by default), a batch per transaction. Several servers may run it: a batch deletes rows that are there.
public struct RetentionRunner: Service {
    let service: RetentionService
    let interval: Duration
    let logger: Logger

    public init(service: RetentionService, interval: Duration = .seconds(3600), logger: Logger = Logger(label: "tailor.retention")) {
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let purged = try await service.apply().reduce(0) { $0 + $1.events }
                if purged > 0 { logger.info("retention purged events", metadata: ["count": "\(purged)"]) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("retention pass failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
