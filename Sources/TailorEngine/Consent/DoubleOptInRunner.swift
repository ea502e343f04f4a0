import Foundation
public import Logging
public import ServiceLifecycle

/// Mails double opt-in confirmations while the server runs: a pass of ``DoubleOptInService/sendConfirmations(pageSize:)``
/// every `interval`. Several servers may run it on one database: the outbox key keeps each grant to one email.
public struct DoubleOptInRunner: Service {
    let service: DoubleOptInService
    let interval: Duration
    let logger: Logger

    public init(service: DoubleOptInService, interval: Duration = .seconds(5), logger: Logger = Logger(label: "tailor.double-opt-in")) {
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let summary = try await service.sendConfirmations()
                if summary.queued > 0 { logger.info("double opt-in confirmations queued", metadata: ["count": "\(summary.queued)"]) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("double opt-in pass failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
