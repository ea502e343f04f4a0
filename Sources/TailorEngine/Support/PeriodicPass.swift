public import Logging
public import ServiceLifecycle

/// Background work a running server does on a fixed period: one pass every `interval` until shutdown. A pass
/// returns how many things it did (logged when any); a failing pass is logged by its error's type only (no
/// personal data) and the next one tries again. Several servers may run the same pass on one database: each
/// pass's own work must be idempotent.
public struct PeriodicPass: Service {
    let what: String
    let interval: Duration
    let logger: Logger
    let pass: @Sendable () async throws -> Int

    /// - Parameters:
    ///   - what: what a pass does, for the log (`"retention purge"`).
    public init(_ what: String, every interval: Duration, logger: Logger, pass: @escaping @Sendable () async throws -> Int) {
        self.what = what
        self.interval = interval
        self.logger = logger
        self.pass = pass
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let count = try await pass()
                if count > 0 { logger.info("\(what) done", metadata: ["count": "\(count)"]) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(what) failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

extension PeriodicPass {
    /// Purges events under the retention policy (``RetentionService/apply()``, a batch per transaction), an hour
    /// apart by default. Several servers may run it: a batch deletes rows that are there.
    public static func retention(_ service: RetentionService, every interval: Duration = .seconds(3600)) -> PeriodicPass {
        PeriodicPass("retention purge", every: interval, logger: Logger(label: "tailor.retention")) {
            try await service.apply().reduce(0) { $0 + $1.events }
        }
    }

    /// Mails double opt-in confirmations (``DoubleOptInService/sendConfirmations(pageSize:)``) every 5 s. Several
    /// servers may run it: the outbox key keeps each grant to one email.
    public static func doubleOptIn(_ service: DoubleOptInService, every interval: Duration = .seconds(5)) -> PeriodicPass {
        PeriodicPass("double opt-in confirmations", every: interval, logger: Logger(label: "tailor.double-opt-in")) {
            try await service.sendConfirmations().queued
        }
    }
}
