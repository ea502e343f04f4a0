import ArgumentParser
import Foundation
import TailorMail

/// `tailor mail bench`: render, sign and send many realistic messages; the last line is the rate.
struct MailBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Send many ~30 KB newsletter messages and print messages/s.",
        discussion: "The last line printed reads `<rate> messages/s`."
    )

    @Option(help: "Transport URL (smtp://host:port, or file:///folder).") var smtp: String
    @Option(help: "Messages to send.") var count: Int = 20_000
    @Option(help: "SMTP connections.") var connections: Int = 4
    @Option(help: "Approximate HTML size per message, in octets.") var htmlSize: Int = 30_000
    @OptionGroup var dkim: DKIMOptions

    func run() async throws {
        var transportURL = try MailTransportURL(smtp)
        if case .smtp(var configuration) = transportURL {
            configuration.maximumConnections = connections
            configuration.maximumMessagesPerConnection = 0
            transportURL = .smtp(configuration)
        }
        var signer: DKIMSigner?
        if let key = dkim.key {
            signer = try DKIMSigner(
                domain: dkim.domain ?? "shop.example", selector: dkim.selector, privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8))
        }
        let options = MailBenchmark.Options(count: count, concurrency: MailBenchmark.defaultConcurrency(connections: connections), signer: signer, htmlSize: htmlSize)
        let result = try await transportURL.withTransport { transport in
            await MailBenchmark.run(transport: transport, options: options)
        }
        print("messages: \(result.delivered) delivered, \(result.failed) failed, average size \(result.averageSize) octets, dkim: \(signer?.backend ?? "off")")
        if let error = result.firstError { print("first error: \(error)") }
        print("seconds: \(String(format: "%.2f", result.seconds))")
        print("\(String(format: "%.0f", result.rate)) messages/s")
        if result.failed > 0 { throw ExitCode(1) }
    }
}
