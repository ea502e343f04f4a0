import Foundation
import TailorTestLaunch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs any program (on a Dispatch thread), returning its status, stdout bytes and stderr text.
func runProgram(_ executable: String, _ arguments: [String], in directory: URL? = nil) async throws -> (status: Int32, stdout: Data, stderr: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                if let directory { process.currentDirectoryURL = directory }
                let out = Pipe()
                // stderr to a file, so that a full stderr pipe never blocks the program while stdout is read.
                let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-cli-err-\(UUID().uuidString)")
                FileManager.default.createFile(atPath: errURL.path, contents: nil)
                defer { try? FileManager.default.removeItem(at: errURL) }
                process.standardOutput = out
                process.standardError = try FileHandle(forWritingTo: errURL)
                try launch(process)
                let outData = ProcessLaunch.readToEnd(out.fileHandleForReading)
                process.waitUntilExit()
                let errText = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
                continuation.resume(returning: (process.terminationStatus, outData, errText))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// The `.eml` files a file sink (or the SMTP peer) holds, sorted by name.
func emlFiles(_ folder: URL) -> [URL] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted()
        .map { folder.appendingPathComponent($0) }
}

/// A message's header block, unfolded, as (lower-cased name, value) pairs.
func headers(_ message: String) -> [(String, String)] {
    let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
    var out: [(String, String)] = []
    for line in head.components(separatedBy: "\r\n") {
        if line.first == " " || line.first == "\t", !out.isEmpty {
            out[out.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
        } else if let colon = line.firstIndex(of: ":") {
            out.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
    }
    return out
}

func header(_ name: String, _ message: String) -> String? { headers(message).first { $0.0 == name.lowercased() }?.1 }

/// TailorMail's SMTP peer (aiosmtpd, `Tests/TailorMailTests/Peers/smtp_server.py`) through `TAILOR_PYTHON`:
/// accepts most recipients, answers 550 5.1.1 to `reject*` and 451 4.2.0 to `later*`.
final class SMTPPeer: @unchecked Sendable {
    static var python: String? { ProcessInfo.processInfo.environment["TAILOR_PYTHON"] }
    static let peers = repositoryRoot.appendingPathComponent("Tests/TailorMailTests/Peers")
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    let directory: URL
    private(set) var port = 0

    static func start(in directory: URL) async throws -> SMTPPeer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try SMTPPeer(directory: directory) }) }
        }
    }

    private init(directory: URL) throws {
        self.directory = directory
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [Self.peers.appendingPathComponent("smtp_server.py").path, "--out", directory.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try launch(process)
        var text = ""
        while !text.contains("\n") {
            let chunk = ProcessLaunch.readAvailable(output.fileHandleForReading)
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "READY "), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            stop()
            throw CLIPeerError(description: "aiosmtpd did not start: \(text)")
        }
        self.port = port
    }

    /// Received messages with their envelopes (`rcpt_tos`, `mail_from`), in arrival order.
    func received() throws -> [(message: String, envelope: [String: Any])] {
        try emlFiles(directory).map { eml in
            let json = eml.deletingPathExtension().appendingPathExtension("json")
            return (try String(contentsOf: eml, encoding: .utf8),
                    try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any] ?? [:])
        }
    }

    /// Closes the script's input (it exits) and kills it in case.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Python's email parser and dkimpy on a message file (`inspect_message.py`), the key given as its TXT record.
    static func inspect(_ file: URL, dkimTXT: String) async throws -> [String: Any] {
        let run = try await runProgram(python!, [peers.appendingPathComponent("inspect_message.py").path, file.path, "--dkim-txt", dkimTXT])
        guard run.status == 0 else { throw CLIPeerError(description: "inspect_message.py failed: \(run.stderr)") }
        return try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
    }
}

struct CLIPeerError: Error, CustomStringConvertible { let description: String }

@Suite("tailor mail", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct MailCLITests {
    static let now = "2026-11-01T12:00:00Z"

    /// `dkim-keygen --output` in `dir`: the TXT record it printed, after checking its output.
    func keygen(_ dir: URL, selector: String = "s1", domain: String = "shop.test") async throws -> String {
        let run = try await tailor(["mail", "dkim-keygen", "--output", "dkim.pem", "--domain", domain, "--selector", selector], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "private key written to dkim.pem")
        #expect(lines.contains("publish this TXT record at \(selector)._domainkey.\(domain):"), "\(run.stdout)")
        return try #require(lines.first { $0.hasPrefix("v=DKIM1;") }, "no TXT record in: \(run.stdout)")
    }

    @Test func dkimKeygenWritesAKeyAndATXTRecordOfItsPublicHalf() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = try await keygen(dir)
        let pemURL = dir.appendingPathComponent("dkim.pem")
        let attributes = try FileManager.default.attributesOfItem(atPath: pemURL.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let pem = try String(contentsOf: pemURL, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN ") && pem.contains("PRIVATE KEY-----"))
        // The record parses as DKIM tags: v=DKIM1, k=rsa, p= the base64 of an RSA SubjectPublicKeyInfo…
        var tags: [String: String] = [:]
        for part in txt.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { tags[pair[0]] = pair[1] }
        }
        #expect(tags["v"] == "DKIM1" && tags["k"] == "rsa", "\(txt)")
        let der = try #require(Data(base64Encoded: tags["p"] ?? ""), "p= is not base64: \(txt)")
        let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
        #expect(der.first == 0x30 && der.count > 256 && [UInt8](der).firstRange(of: rsaEncryption) != nil)
        // …of the private key written to the file (openssl derives the public half from it).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            let openssl = try await runProgram("/usr/bin/openssl", ["pkey", "-in", pemURL.path, "-pubout", "-outform", "DER"])
            #expect(openssl.status == 0, "\(openssl.stderr)")
            #expect(openssl.stdout == der, "the TXT record does not publish the key written to dkim.pem")
            let bits = try await runProgram("/usr/bin/openssl", ["pkey", "-in", pemURL.path, "-noout", "-text"])
            #expect(String(decoding: bits.stdout, as: UTF8.self).contains("2048 bit"))
        }
        // Without --output the key goes to stdout (and nowhere else); the zone-file line splits the same record.
        let printed = try await tailor(["mail", "dkim-keygen", "--domain", "shop.test", "--selector", "s2", "--bits", "3072"], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.hasPrefix("-----BEGIN ") && printed.stdout.contains("PRIVATE KEY-----"))
        let printedLines = printed.stdout.split(separator: "\n").map(String.init)
        let record = try #require(printedLines.first { $0.hasPrefix("v=DKIM1;") })
        let zone = try #require(printedLines.first { $0.hasPrefix("s2._domainkey.shop.test. IN TXT ( ") })
        let strings = zone.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(strings.joined() == record && strings.allSatisfy { $0.count <= 255 } && strings.count > 1, "\(zone)")
        #expect(record != txt)
        let wrongSize = try await tailor(["mail", "dkim-keygen", "--bits", "1024"], in: dir)
        #expect(wrongSize.status != 0 && wrongSize.stderr.contains("2048, 3072 or 4096"), "\(wrongSize.stderr)")
    }

    @Test func sendWritesOneSignedMessageToAFileSink() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = try await keygen(dir)
        try "Hello Ann,\nour new collection is in.\n".write(to: dir.appendingPathComponent("body.txt"), atomically: true, encoding: .utf8)
        try "<p>Hello Ann, our <b>new collection</b> is in.</p>".write(to: dir.appendingPathComponent("body.html"), atomically: true, encoding: .utf8)
        let sink = dir.appendingPathComponent("sink")
        let run = try await tailor(["mail", "send", "--smtp", "file://\(sink.path)", "--from", "Shop <news@shop.test>", "--to", "Ann <ann@example.test>",
                                    "--subject", "New collection", "--text", "body.txt", "--html", "body.html",
                                    "--unsubscribe", "https://shop.test/u/abc", "--dkim-key", "dkim.pem", "--dkim-selector", "s1"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("sent: 1 accepted, 0 refused") == true, "\(run.stdout)")
        let printedID = try #require(lines.first { $0.hasPrefix("message-id: <") }).dropFirst("message-id: ".count)
        let files = emlFiles(sink)
        try #require(files.count == 1, "\(files)")
        let message = try String(contentsOf: files[0], encoding: .utf8)
        #expect(header("Subject", message) == "New collection")
        #expect(header("Message-ID", message) == String(printedID))
        #expect(header("From", message)?.contains("<news@shop.test>") == true)
        #expect(header("To", message)?.contains("<ann@example.test>") == true)
        #expect(header("X-Envelope-To", message) == "ann@example.test", "\(headers(message))")
        #expect(header("List-Unsubscribe", message)?.contains("<https://shop.test/u/abc>") == true)
        #expect(header("List-Unsubscribe-Post", message) == "List-Unsubscribe=One-Click")
        let signature = try #require(header("DKIM-Signature", message), "the message is not signed")
        #expect(signature.contains("d=shop.test") && signature.contains("s=s1"), "\(signature)")
        #expect(message.contains("multipart/alternative") && message.contains("our new collection is in."))
        if SMTPPeer.python != nil {
            // Python's parser reads it without defects, and dkimpy verifies the signature with the published key.
            let inspected = try await SMTPPeer.inspect(files[0], dkimTXT: txt)
            #expect(inspected["dkim"] as? Bool == true, "\(inspected)")
            #expect(inspected["subject"] as? String == "New collection" && inspected["to"] as? [String] == ["ann@example.test"])
            #expect((inspected["defects"] as? [Any])?.isEmpty == true)
            let tampered = dir.appendingPathComponent("tampered.eml")
            try message.replacingOccurrences(of: "collection is in.", with: "collection is out").write(to: tampered, atomically: true, encoding: .utf8)
            // A changed body no longer verifies (dkimpy answers false, or fails on the body hash).
            let tamperedResult = try? await SMTPPeer.inspect(tampered, dkimTXT: txt)
            #expect(tamperedResult?["dkim"] as? Bool != true)
        }
        let noBody = try await tailor(["mail", "send", "--smtp", "file://\(sink.path)", "--from", "news@shop.test", "--to", "ann@example.test",
                                       "--subject", "x"], in: dir)
        #expect(noBody.status != 0 && noBody.stderr.contains("give --html, --text or both"))
        let badAddress = try await tailor(["mail", "send", "--smtp", "file://\(sink.path)", "--from", "news@shop.test", "--to", "not an address",
                                           "--subject", "x", "--text", "body.txt"], in: dir)
        #expect(badAddress.status != 0)
        #expect(emlFiles(sink).count == 1, "a refused command must not send")
    }

    @Test(.enabled(if: SMTPPeer.python != nil))
    func sendAndBenchTalkToARealSMTPServer() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try await SMTPPeer.start(in: dir.appendingPathComponent("peer"))
        defer { peer.stop() }
        try "Hello\n".write(to: dir.appendingPathComponent("body.txt"), atomically: true, encoding: .utf8)
        let smtp = "smtp://127.0.0.1:\(peer.port)"
        func send(_ recipients: [String]) async throws -> Run {
            try await tailor(["mail", "send", "--smtp", smtp, "--from", "news@shop.test", "--subject", "Hi", "--text", "body.txt"]
                             + recipients.flatMap { ["--to", $0] }, in: dir)
        }
        // One accepted, one refused: sent, and the refusal is named with the server's reply.
        let mixed = try await send(["ann@example.test", "reject1@example.test"])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(mixed.stdout.hasPrefix("sent: 1 accepted, 1 refused"), "\(mixed.stdout)")
        #expect(mixed.stdout.contains("refused: reject1@example.test 550"), "\(mixed.stdout)")
        let received = try peer.received()
        try #require(received.count == 1)
        #expect(received[0].envelope["rcpt_tos"] as? [String] == ["ann@example.test"])
        #expect(received[0].envelope["mail_from"] as? String == "news@shop.test")
        #expect(header("Subject", received[0].message) == "Hi")
        // Only a busy mailbox: a transient failure, exit 75; only an unknown user: permanent, exit 1.
        let later = try await send(["later1@example.test"])
        #expect(later.status == 75 && later.stdout.contains("not sent:") && later.stdout.contains("451"), "\(later.stdout)")
        let rejected = try await send(["reject2@example.test"])
        #expect(rejected.status == 1 && rejected.stdout.contains("not sent:") && rejected.stdout.contains("550"), "\(rejected.stdout)")
        #expect(try peer.received().count == 1)

        let bench = try await tailor(["mail", "bench", "--smtp", smtp, "--count", "40", "--connections", "2", "--html-size", "3000"], in: dir)
        #expect(bench.status == 0, "\(bench.stderr) \(bench.stdout)")
        #expect(bench.stdout.contains("messages: 40 delivered, 0 failed"), "\(bench.stdout)")
        #expect(try peer.received().count == 41)
    }

    @Test func benchPrintsItsFiguresAndFailsWhenNothingArrives() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let txt = try await keygen(dir, domain: "shop.example")
        let sink = dir.appendingPathComponent("sink")
        let run = try await tailor(["mail", "bench", "--smtp", "file://\(sink.path)", "--count", "60", "--connections", "1", "--html-size", "2000",
                                    "--dkim-key", "dkim.pem", "--dkim-selector", "s1"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let summary = try #require(lines.first?.firstMatch(of: /^messages: (\d+) delivered, (\d+) failed, average size (\d+) octets, dkim: (\S+)$/),
                                   "\(run.stdout)")
        #expect(summary.1 == "60" && summary.2 == "0")
        #expect((Int(summary.3) ?? 0) > 2000, "a message is larger than its HTML")
        #expect(summary.4 != "off")
        let seconds = try #require(lines.first { $0.hasPrefix("seconds: ") }.flatMap { Double($0.dropFirst("seconds: ".count)) }, "\(run.stdout)")
        let rate = try #require(lines.last?.firstMatch(of: /^(\d+) messages\/s$/).flatMap { Double($0.1) }, "\(run.stdout)")
        #expect(seconds > 0 && rate > 0)
        if seconds >= 0.2 { #expect(abs(rate * seconds - 60) <= 6, "rate \(rate) × \(seconds) s is not 60 messages") }
        // Every message reached the sink, signed.
        let files = emlFiles(sink)
        #expect(files.count == 60)
        if let first = files.first {
            let message = try String(contentsOf: first, encoding: .utf8)
            #expect(header("DKIM-Signature", message)?.contains("d=shop.example") == true)
            #expect(abs(message.utf8.count - (Int(summary.3) ?? 0)) < 600, "average size \(summary.3), a message \(message.utf8.count)")
            if SMTPPeer.python != nil {
                #expect(try await SMTPPeer.inspect(first, dkimTXT: txt)["dkim"] as? Bool == true)
            }
        }
        // Nobody listening: every message fails, the command says so and exits 1.
        let refused = try await tailor(["mail", "bench", "--smtp", "smtp://127.0.0.1:1?timeout=2", "--count", "3", "--connections", "1"], in: dir,
                                       timeout: 60)
        #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stdout.contains("messages: 0 delivered, 3 failed"), "\(refused.stdout)")
        #expect(refused.stdout.contains("first error:"))
    }

    @Test func suppressAddsListsChecksRemovesAndTheOutboxSkipsTheAddress() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sink = dir.appendingPathComponent("sink")
        let env = ["TAILOR_NOW": Self.now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("mail.db").path,
                   "TAILOR_MAIL_URL": "file://\(sink.path)"]
        // Three messages, to user0@, user1@ and user2@example.test.
        let queued = try await tailor(["mail", "enqueue-sample", "--count", "3", "--html-bytes", "500"], in: dir, environment: env)
        #expect(queued.status == 0 && queued.stdout.contains("queued 3 messages"), "\(queued.stderr)")

        let added = try await tailor(["mail", "suppress", "add", "--reason", "complaint", "user1@example.test"], in: dir, environment: env)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "suppressed 1 new, 0 already listed\n")
        let again = try await tailor(["mail", "suppress", "add", "user1@example.test"], in: dir, environment: env)
        #expect(again.stdout == "suppressed 0 new, 1 already listed\n")
        // The list shows one blind index with its (first) reason, source and time, never the address.
        let list = try await tailor(["mail", "suppress", "list"], in: dir, environment: env)
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 1, "\(list.stdout)")
        #expect(rows.first.map { Array($0.dropFirst().prefix(2)) } == ["complaint", "cli"], "\(list.stdout)")
        #expect(rows.first?.last?.hasPrefix("2026-11-01T12:00:00") == true, "\(list.stdout)")
        #expect(rows.first.map { $0[0].count >= 16 } == true)
        #expect(!list.stdout.contains("user1") && !list.stdout.contains("@"))
        let check = try await tailor(["mail", "suppress", "check", "user1@example.test", "user0@example.test"], in: dir, environment: env)
        #expect(check.status == 1)
        #expect(check.stdout == "user1@example.test\tsuppressed (complaint)\nuser0@example.test\tnot suppressed\n", "\(check.stdout)")
        let badReason = try await tailor(["mail", "suppress", "add", "--reason", "dislike", "x@example.test"], in: dir, environment: env)
        #expect(badReason.status != 0 && badReason.stderr.contains("--reason must be one of"))
        // Something that is not an address would be a key no message ever matches: refused, naming its place only.
        let notAnAddress = try await tailor(["mail", "suppress", "add", "user7@example.test", "user8 example.test"], in: dir, environment: env)
        #expect(notAnAddress.status != 0 && notAnAddress.stderr.contains("address 2 of 2 is not an email address"), "\(notAnAddress.stderr)")
        #expect(!notAnAddress.stderr.contains("user8"))
        #expect(try await tailor(["mail", "suppress", "check", "user7@example.test"], in: dir, environment: env).status == 0)

        // The outbox sends to the two others and marks the third suppressed, without an attempt.
        let drain = try await tailor(["mail", "drain"], in: dir, environment: env)
        #expect(drain.status == 0, "\(drain.stderr)")
        #expect(drain.stdout.hasPrefix("sent 2, retried 0, failed 0, bounced 0, suppressed 1 in"), "\(drain.stdout)")
        #expect(!drain.stdout.contains("@") && !drain.stderr.contains("@"), "the drain's output names no address")
        let sent = try emlFiles(sink).map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(sent.count == 2)
        #expect(Set(sent.compactMap { header("X-Envelope-To", $0) }) == ["user0@example.test", "user2@example.test"])
        let status = try await tailor(["mail", "status"], in: dir, environment: env)
        #expect(status.stdout.contains("sent\t2\n") && status.stdout.contains("suppressed\t1\n"), "\(status.stdout)")

        // Removed, the address is mailed again.
        let removed = try await tailor(["mail", "suppress", "remove", "user1@example.test", "nobody@example.test"], in: dir, environment: env)
        #expect(removed.stdout == "removed 1, 1 were not listed\n", "\(removed.stdout)")
        let after = try await tailor(["mail", "suppress", "check", "user1@example.test"], in: dir, environment: env)
        #expect(after.status == 0 && after.stdout == "user1@example.test\tnot suppressed\n")
        #expect(try await tailor(["mail", "suppress", "list"], in: dir, environment: env).stdout == "")
        let next = try await tailor(["mail", "enqueue-sample", "--count", "3", "--html-bytes", "500", "--campaign", "second"], in: dir, environment: env)
        #expect(next.status == 0, "\(next.stderr)")
        let drained = try await tailor(["mail", "drain"], in: dir, environment: env)
        #expect(drained.stdout.hasPrefix("sent 3, retried 0, failed 0, bounced 0, suppressed 0 in"), "\(drained.stdout)")
        let recipients = try emlFiles(sink).compactMap { header("X-Envelope-To", try String(contentsOf: $0, encoding: .utf8)) }
        #expect(recipients.filter { $0 == "user1@example.test" }.count == 1)
    }
}
