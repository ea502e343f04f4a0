public import Foundation
public import TailorMail

/// When a transient failure is tried again: exponential backoff with jitter, and a limit on attempts.
///
/// The n-th failed attempt waits `initialDelay × multiplier^(n-1)`, capped at `maximumDelay`, then
/// multiplied by a random factor in `1 ± jitter` so that messages that failed together (a server down
/// for a minute) do not all come back in the same second. After `maximumAttempts` attempts the message
/// fails for good. Defaults: 1, 2, 4, 8, 16, 32, 64 minutes (±20 %), 8 attempts (about 2 hours).
public struct RetrySchedule: Sendable, Hashable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maximumDelay: Duration
    public var maximumAttempts: Int
    /// 0.2 for ±20 %.
    public var jitter: Double

    public init(initialDelay: Duration = .seconds(60), multiplier: Double = 2, maximumDelay: Duration = .seconds(6 * 3600),
                maximumAttempts: Int = 8, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
        self.jitter = jitter
    }

    /// The delay before the attempt after `attempts` failed ones, jittered with `random`.
    public func delay(afterAttempts attempts: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = Self.seconds(initialDelay) * pow(multiplier, Double(max(0, attempts - 1)))
        let capped = min(base, Self.seconds(maximumDelay))
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter), using: &random) : 1
        return .milliseconds(Int64((capped * factor * 1000).rounded()))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// What to do with a message after one delivery attempt: the pure part of the outbox worker.
public enum DeliveryDecision: Sendable, Hashable {
    /// Accepted (a 250 to the end of data, or written by the file sink).
    case sent(detail: String?)
    /// A transient failure: try again after the delay.
    case retry(after: Duration, detail: String)
    /// The recipient's address does not work (5xx at RCPT, enhanced 5.1.x or 5.2.1, a malformed
    /// address): the message fails and the address is suppressed.
    case hardBounce(detail: String)
    /// The message failed for good but the address is not to blame (its content or size was refused,
    /// or it ran out of attempts): only this message fails.
    case failed(detail: String, exhausted: Bool)

    /// Decides from a transport's result, after `attempts` attempts (this one included).
    public static func decide(_ result: DeliveryResult, recipient: String, attempts: Int, schedule: RetrySchedule,
                              using random: inout some RandomNumberGenerator) -> DeliveryDecision {
        switch result {
        case .delivered(let receipt):
            // A receipt with the recipient refused (several recipients, some accepted) is that recipient's failure.
            if let refusal = receipt.rejected.first(where: { $0.recipient.lowercased() == recipient.lowercased() }) {
                let error = MailError(.rejected, severity: refusal.severity, "recipient refused", stage: .rcptTo, reply: refusal.reply)
                return decide(refusal.severity == .transient ? .transientFailure(error) : .permanentFailure(error), recipient: recipient,
                              attempts: attempts, schedule: schedule, using: &random)
            }
            return .sent(detail: receipt.reply?.summary)
        case .transientFailure(let error):
            let detail = describe(error)
            guard attempts < schedule.maximumAttempts else { return .failed(detail: detail, exhausted: true) }
            return .retry(after: schedule.delay(afterAttempts: attempts, using: &random), detail: detail)
        case .permanentFailure(let error):
            return isHardBounce(error) ? .hardBounce(detail: describe(error)) : .failed(detail: describe(error), exhausted: false)
        }
    }

    /// Whether a permanent failure is the address's fault.
    public static func isHardBounce(_ error: MailError) -> Bool {
        if error.code == .invalidAddress { return true }
        guard error.severity == .permanent, let reply = error.reply else { return false }
        if let enhanced = reply.enhancedCode, enhanced.statusClass == 5 {
            // 5.1.x: bad destination mailbox/system/syntax; 5.2.1: mailbox disabled.
            if enhanced.subject == 1 || (enhanced.subject == 2 && enhanced.detail == 1) { return true }
            // Content (5.6.x), policy (5.7.x), capacity (5.2.2/5.3.4) say nothing about the address.
            return false
        }
        // Without an enhanced code, a 550/551/553 to RCPT TO is the classic "no such user".
        return error.stage == .rcptTo && [550, 551, 553].contains(reply.code)
    }

    /// Data-free: the error's code and stage, the reply's codes; never server text (it may echo addresses).
    static func describe(_ error: MailError) -> String {
        var text = "\(error.code)"
        if let stage = error.stage { text += " at \(stage)" }
        if let reply = error.reply { text += ": \(reply.summary)" }
        return text
    }
}
