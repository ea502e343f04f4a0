public import Foundation
public import Logging
public import ServiceLifecycle
public import TailorStore

/// The webhook work of a running server: makes the calls that are due, then sleeps until the next one is
/// (at most `interval`, which also catches calls other processes queued).
public struct WebhookRunner: Service {
    let deliverer: WebhookDeliverer
    let interval: Duration
    let logger: Logger

    public init(deliverer: WebhookDeliverer, interval: Duration = .seconds(1), logger: Logger = Logger(label: "tailor.webhooks")) {
        self.deliverer = deliverer
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var next: Date?
            do {
                try await deliverer.deliverDue()
                next = try await deliverer.stores.webhooks.nextWebhookCallDue()
            } catch is CancellationError {
                return
            } catch {
                logger.error("webhook delivery failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            let wait = min(next.map { max(0.05, $0.timeIntervalSince(deliverer.clock.now())) } ?? .infinity, Double(interval.components.seconds))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
        }
    }
}
