public import Foundation
public import TailorCore
public import TailorStore

/// Queues a call for each stored event a webhook subscription asks for (segment entries and exits, email
/// events, any event by name), in the transaction that stores the event: a call exists exactly when its
/// event does, and is made after, with retries (``WebhookDeliverer``). Keyed by subscription and message, so
/// an event stored twice is called once.
public struct WebhookSubscriptionStep: EventStep {
    public let name = "webhook-subscriptions"

    public init() {}

    public func start(_ input: EventStepInput) -> (any EventStepRun)? {
        input.events.isEmpty ? nil : Run(input: input)
    }

    struct Run: EventStepRun {
        let input: EventStepInput
        var stage = 0

        mutating func next(_ rows: [StepRow]) throws -> StepAction {
            stage += 1
            switch stage {
            case 1:
                return .read(StepSQL("SELECT id, url, events, segment_id FROM webhooks"))
            case 2:
                let nowMs = input.now.millisecondsSince1970
                var out: [StepSQL] = []
                for r in rows {
                    guard let id = r[0].text, let url = r[1].text, let names = r[2].text else { continue }
                    let events = Set(WebhookRecord.events(parsing: names))
                    let segment = r[3].text
                    for e in input.events where events.contains(e.message.eventName) {
                        if let segment, e.message.properties["segment_id"]?.stringValue != segment { continue }
                        let key = "webhook:\(id):\(e.message.messageId)"
                        let call = WebhookCall(key: key, webhook: id, journey: nil, profile: e.profile, url: url, secret: nil,
                                               body: WebhookDeliverer.eventBody(e.message, profile: e.profile, webhook: id, key: key))
                        out.append(StepSQL("""
                            INSERT INTO webhook_calls (call_key, webhook_id, journey_id, profile_id, url, sealed, state, attempts, next_attempt_at,
                                                       created_at, updated_at)
                            VALUES (?, ?, NULL, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (call_key) DO NOTHING
                            """, [.text(key), .text(id), .text(e.profile.rawValue), .text(url), .sealed(WebhookRecord.sealedPart(call)), .integer(nowMs), .integer(nowMs), .integer(nowMs)]))
                    }
                }
                return out.isEmpty ? .done : .write(out)
            default:
                return .done
            }
        }
    }
}
