import ArgumentParser
import Foundation
import TailorMail

/// `tailor mail dkim-keygen`: make a DKIM key pair and print its DNS record.
struct MailDKIMKeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim-keygen",
        abstract: "Generate an RSA DKIM key and print the DNS TXT record that publishes it."
    )

    @Option(help: "Where to write the private key (PEM). Printed to standard output when omitted.") var output: String?
    @Option(help: "Domain the key signs for.") var domain: String = "example.com"
    @Option(help: "Selector.") var selector: String = "tailor"
    @Option(help: "Key size: 2048, 3072 or 4096.") var bits: Int = 2048

    func run() async throws {
        let key = try DKIMKey.generate(bits: bits)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(key.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(output)")
            }
            print("private key written to \(output)")
        } else {
            print(key.privateKeyPEM)
        }
        print("publish this TXT record at \(DKIMKey.recordName(selector: selector, domain: domain)):")
        print(key.txtRecord)
        print("zone file:")
        print(key.zoneFileLine(selector: selector, domain: domain))
    }
}
