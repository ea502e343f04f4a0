import Foundation
import TailorMail

/// `mail-bench --smtp URL --count N --connections C [--concurrency M] [--dkim-key PEM --dkim-domain D --dkim-selector S]`
/// `mail-bench --keygen FILE` writes a fresh 2048-bit DKIM key.
/// The last line printed is `<rate> messages/s`.
@main
struct MailBench {
    static func main() async throws {
        var options: [String: String] = [:]
        var arguments = CommandLine.arguments.dropFirst()
        while let name = arguments.popFirst() {
            guard name.hasPrefix("--"), let value = arguments.popFirst() else {
                FileHandle.standardError.write(Data("usage: mail-bench --smtp URL --count N --connections C [--concurrency M] [--dkim-key PEM --dkim-domain D --dkim-selector S]\n".utf8))
                exit(2)
            }
            options[String(name.dropFirst(2))] = value
        }
        if let path = options["keygen"] {
            let key = try DKIMKey.generate()
            try key.privateKeyPEM.write(toFile: path, atomically: true, encoding: .utf8)
            print(key.txtRecord)
            return
        }
        if let rounds = options["profile"].flatMap(Int.init) {
            try profile(rounds: rounds)
            try await signingThroughput(rounds: rounds)
            return
        }
        let count = Int(options["count"] ?? "20000") ?? 20000
        let connections = Int(options["connections"] ?? "4") ?? 4
        guard case .smtp(var configuration) = try MailTransportURL(options["smtp"] ?? "smtp://127.0.0.1:2525") else {
            FileHandle.standardError.write(Data("--smtp must be an SMTP URL\n".utf8))
            exit(2)
        }
        configuration.maximumConnections = connections
        configuration.maximumMessagesPerConnection = 0
        var signer: DKIMSigner?
        if let keyPath = options["dkim-key"] {
            signer = try DKIMSigner(
                domain: options["dkim-domain"] ?? "shop.example", selector: options["dkim-selector"] ?? "bench",
                privateKeyPEM: try String(contentsOfFile: keyPath, encoding: .utf8))
        }
        let concurrency = options["concurrency"].flatMap(Int.init) ?? MailBenchmark.defaultConcurrency(connections: connections)
        let benchOptions = MailBenchmark.Options(count: count, concurrency: concurrency, signer: signer)
        let result = try await SMTPClient.withClient(configuration: configuration) { client in
            await MailBenchmark.run(transport: client, options: benchOptions)
        }
        print("messages: \(result.delivered) delivered, \(result.failed) failed, average size \(result.averageSize) octets, dkim: \(signer?.backend ?? "off")")
        if let error = result.firstError { print("first error: \(error)") }
        print("seconds: \(String(format: "%.2f", result.seconds))")
        print("\(String(format: "%.0f", result.rate)) messages/s")
    }

    /// CPU time of this thread, so that the stage costs do not depend on how busy the machine is.
    struct ThreadCPUClock {
        func measure(_ body: () throws -> Void) rethrows -> Duration {
            func now() -> Duration {
                var ts = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
                return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
            }
            let start = now()
            try body()
            return now() - start
        }
    }

    /// Single-threaded cost of each stage (thread CPU time), to see where the time goes.
    static func profile(rounds: Int) throws {
        let key = try DKIMKey.generate()
        let signer = try DKIMSigner(domain: "shop.example", selector: "bench", privateKeyPEM: key.privateKeyPEM)
        let messages = try MailBenchmark.sampleMessages(count: rounds)
        let clock = ThreadCPUClock()
        var htmlOnly = messages
        for index in htmlOnly.indices { htmlOnly[index].text = nil; htmlOnly[index].listUnsubscribe = nil }
        let htmlTime = try clock.measure { for message in htmlOnly { _ = try message.render() } }
        print("render, HTML part only \(String(format: "%.1f µs", Double(htmlTime.components.attoseconds / 1_000_000_000_000 + htmlTime.components.seconds * 1_000_000) / Double(rounds)))")
        var rendered: [RenderedMessage] = []
        let renderTime = try clock.measure { rendered = try messages.map { try $0.render() } }
        var signed = rendered
        let signTime = try clock.measure { for index in signed.indices { try signer.sign(&signed[index]) } }
        var total = 0
        let bytesTime = clock.measure { for message in signed { total += SMTPDotStuffing.stuffed(message.bytes).count } }
        func perMessage(_ duration: Duration) -> String {
            String(format: "%.1f µs", Double(duration.components.attoseconds / 1_000_000_000_000 + duration.components.seconds * 1_000_000) / Double(rounds))
        }
        var tiny = try Message(from: MailAddress("a@shop.example"), to: [MailAddress("b@example.com")], subject: "s", text: "x").render()
        let rsaTime = try clock.measure { for _ in 0..<rounds { _ = try signer.signatureField(for: tiny) } }
        tiny.body = []
        print("dkim sign of a 1-line message (≈ RSA alone, \(signer.backend)) \(perMessage(rsaTime))")
        print("render \(perMessage(renderTime)), dkim sign \(perMessage(signTime)), bytes+dot-stuff \(perMessage(bytesTime)) per message (\(total / rounds) octets)")
    }

    /// Signatures per second with 4 concurrent tasks, for each RSA backend.
    static func signingThroughput(rounds: Int) async throws {
        let key = try DKIMKey.generate()
        let message = try Message(from: MailAddress("a@shop.example"), to: [MailAddress("b@example.com")], subject: "s", text: "x").render()
        for allowsSystem in [true, false] {
            let signer = try DKIMSigner(domain: "shop.example", selector: "bench", privateKeyPEM: key.privateKeyPEM, allowsSystemCrypto: allowsSystem)
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask { for _ in 0..<(rounds / 4) { _ = try signer.signatureField(for: message) } }
                    }
                    try await group.waitForAll()
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("\(signer.backend): \(Int(Double(rounds / 4 * 4) / seconds)) signatures/s with 4 concurrent tasks")
        }
    }
}
