import Foundation
import Synchronization

/// A load generator: renders, optionally DKIM-signs, and sends many realistic messages through a
/// transport, as the mail pipeline of a campaign send does. Used by `tailor mail bench` and
/// `Benchmarks/TailorMail`.
public enum MailBenchmark {
    /// What to send.
    public struct Options: Sendable {
        /// Messages to send.
        public var count: Int
        /// Tasks rendering, signing and sending at once (keep well above the connection count so the
        /// pool never waits for a message; see ``MailBenchmark/defaultConcurrency(connections:)``).
        public var concurrency: Int
        /// Signs every message when set.
        public var signer: DKIMSigner?
        /// Approximate size of each HTML body in octets.
        public var htmlSize: Int
        /// The sender.
        public var from: MailAddress
        /// Recipients are `user<N>@<recipientDomain>`.
        public var recipientDomain: String

        /// Makes options.
        public init(
            count: Int, concurrency: Int = 8, signer: DKIMSigner? = nil, htmlSize: Int = 30_000,
            from: MailAddress = try! MailAddress("news@shop.example", name: "Tailor Shop"), recipientDomain: String = "example.com"
        ) {
            self.count = count
            self.concurrency = concurrency
            self.signer = signer
            self.htmlSize = htmlSize
            self.from = from
            self.recipientDomain = recipientDomain
        }
    }

    /// What happened.
    public struct Result: Sendable {
        /// Messages delivered.
        public var delivered: Int
        /// Messages that failed.
        public var failed: Int
        /// The first failure, if any.
        public var firstError: MailError?
        /// Wall-clock seconds for the whole run.
        public var seconds: Double
        /// Average size of a sent message in octets.
        public var averageSize: Int
        /// Delivered messages per second.
        public var rate: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
    }

    /// How many messages to render and sign ahead for `connections` SMTP connections: eight each, so
    /// that with PIPELINING (two messages in flight per connection) the queue still holds signed
    /// messages when a connection asks for the next one. With four each, signed runs on two cores
    /// left 0.13 core idle; with eight, 0.04–0.08.
    public static func defaultConcurrency(connections: Int) -> Int { max(16, connections * 8) }

    /// Sends `options.count` messages through `transport`.
    public static func run(transport: any MailTransport, options: Options) async -> Result {
        let template = NewsletterTemplate(htmlSize: options.htmlSize)
        let counters = Counters()
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, options.concurrency) {
                group.addTask {
                    while true {
                        let index = counters.next.add(1, ordering: .relaxed).oldValue
                        if index >= options.count { return }
                        do {
                            let message = try template.message(number: index, options: options)
                            let mail = try OutgoingMail(message, signer: options.signer)
                            counters.bytes.add(mail.data.count, ordering: .relaxed)
                            _ = try await transport.send(mail)
                            counters.delivered.add(1, ordering: .relaxed)
                        } catch {
                            counters.failed.add(1, ordering: .relaxed)
                            let mailError = (error as? MailError) ?? MailError(.invalidMessage, severity: .permanent, "unexpected error", underlying: error)
                            counters.firstError.withLock { if $0 == nil { $0 = mailError } }
                        }
                    }
                }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let delivered = counters.delivered.load(ordering: .relaxed)
        let failed = counters.failed.load(ordering: .relaxed)
        let sent = delivered + failed
        return Result(
            delivered: delivered, failed: failed, firstError: counters.firstError.withLock { $0 }, seconds: seconds,
            averageSize: sent > 0 ? counters.bytes.load(ordering: .relaxed) / sent : 0)
    }

    /// `count` messages as the benchmark sends them (for profiling the stages).
    public static func sampleMessages(count: Int, htmlSize: Int = 30_000) throws -> [Message] {
        let template = NewsletterTemplate(htmlSize: htmlSize)
        let options = Options(count: count, htmlSize: htmlSize)
        return try (0..<count).map { try template.message(number: $0, options: options) }
    }

    private final class Counters: Sendable {
        let next = Atomic<Int>(0)
        let delivered = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let bytes = Atomic<Int>(0)
        let firstError = Mutex<MailError?>(nil)
    }
}

/// A realistic marketing email: table layout, product cards with tracked links, a personalized
/// greeting, a few non-ASCII characters, padded to the requested size.
struct NewsletterTemplate: Sendable {
    /// The body after the greeting, split at each place the user token goes.
    let segments: [String]
    let head: String

    init(htmlSize: Int) {
        head = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Your weekly picks</title><style>body{margin:0;padding:0;background:#f4f4f7;font-family:Helvetica,Arial,sans-serif}
            .card{background:#ffffff;border-radius:6px;padding:16px;margin:12px 0} .price{color:#d0021b;font-weight:bold}
            a.button{display:inline-block;padding:10px 18px;background:#2f80ed;color:#fff;text-decoration:none;border-radius:4px}</style></head>
            <body><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0">
            """
        var cards: [String] = []
        var total = head.utf8.count + 600
        var index = 0
        while total < htmlSize {
            let card = """
                <tr><td class="card"><table role="presentation" width="100%"><tr><td width="120"><img src="https://cdn.shop.example/p/\(1000 + index).jpg" \
                width="120" height="120" alt="Product \(index)"></td><td style="padding-left:12px"><h3 style="margin:0 0 6px 0">Crème brûlée set Nº\(index) \
                — handmade</h3><p style="margin:0 0 8px 0">Because you looked at ceramics last week: a set of four ramekins, oven-safe, in glazed \
                stoneware.</p><p class="price">€\(19 + index % 40),\(index % 10)9</p><a class="button" \
                href="https://shop.example/t/c?u=__USER__&amp;p=\(1000 + index)&amp;utm_source=tailor&amp;utm_medium=email&amp;utm_campaign=weekly">View \
                product</a></td></tr></table></td></tr>

                """
            cards.append(card)
            total += card.utf8.count
            index += 1
        }
        let foot = """
            <tr><td style="font-size:12px;color:#888;padding:24px 0">You receive this email because you subscribed at shop.example.
            <a href="https://shop.example/u/__USER__">Unsubscribe</a> · <a href="https://shop.example/prefs/__USER__">Preferences</a></td></tr>
            </table></td></tr></table><img src="https://shop.example/t/o/__USER__.gif" width="1" height="1" alt=""></body></html>

            """
        segments = (cards.joined() + foot).components(separatedBy: "__USER__")
    }

    func message(number: Int, options: MailBenchmark.Options) throws -> Message {
        let user = "u\(number)"
        var html = ""
        html.reserveCapacity(options.htmlSize + 1024)
        html += head
        html += "<tr><td><h1 style=\"font-size:22px\">Hello Customer \(number), here are this week's picks for you</h1></td></tr>\n"
        for (index, segment) in segments.enumerated() {
            if index > 0 { html += user }
            html += segment
        }
        let text = "Hello Customer \(number),\n\nhere are this week's picks for you: https://shop.example/picks/\(user)\n\nUnsubscribe: https://shop.example/u/\(user)\n"
        var message = Message(
            from: options.from, to: [try MailAddress("user\(number)@\(options.recipientDomain)", name: "Customer \(number)")],
            subject: "Your weekly picks, Customer \(number) — 20 % off ceramics", text: text, html: html)
        message.listUnsubscribe = ListUnsubscribe(url: "https://shop.example/u/\(user)", mailto: "unsubscribe+\(user)@shop.example")
        return message
    }
}
