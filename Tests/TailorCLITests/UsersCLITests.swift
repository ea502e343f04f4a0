import Foundation
import Testing

/// Runs `tailor` with `input` as its standard input (a file, so it is not a terminal).
func tailor(_ arguments: [String], in directory: URL, stdin input: String, environment: [String: String] = [:]) async throws -> Run {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let process = tailorProcess(arguments, in: directory, environment: environment)
                let inURL = directory.appendingPathComponent("in-\(UUID().uuidString)")
                let outURL = directory.appendingPathComponent("out-\(UUID().uuidString)")
                let errURL = directory.appendingPathComponent("err-\(UUID().uuidString)")
                FileManager.default.createFile(atPath: inURL.path, contents: Data(input.utf8))
                FileManager.default.createFile(atPath: outURL.path, contents: nil)
                FileManager.default.createFile(atPath: errURL.path, contents: nil)
                process.standardInput = try FileHandle(forReadingFrom: inURL)
                process.standardOutput = try FileHandle(forWritingTo: outURL)
                process.standardError = try FileHandle(forWritingTo: errURL)
                try launch(process)
                process.waitUntilExit()
                let run = Run(status: process.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                              stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
                for url in [inURL, outURL, errURL] { try? FileManager.default.removeItem(at: url) }
                continuation.resume(returning: run)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

@Suite("tailor users", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct UsersCLITests {
    @Test func createListAndDeleteDashboardUsers() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let empty = try await tailor(["users", "list"], in: dir)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout == "no dashboard users; create one with: tailor users create EMAIL --role admin\n")

        let created = try await tailor(["users", "create", "Ana@Shop.test", "--role", "admin", "--password-stdin"], in: dir,
                                       stdin: "a long enough secret\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "created admin ana@shop.test\n")
        #expect(!created.stdout.contains("secret") && !created.stderr.contains("secret"))
        let viewer = try await tailor(["users", "create", "vic@shop.test", "--role", "viewer", "--password-stdin"], in: dir,
                                      stdin: "another long secret\n")
        #expect(viewer.stdout == "created viewer vic@shop.test\n")

        let list = try await tailor(["users", "list"], in: dir)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("EMAIL") && lines[0].contains("ROLE") && lines[0].contains("CREATED"))
        #expect(lines[1].hasPrefix("ana@shop.test") && lines[1].contains(" admin "))
        #expect(lines[2].hasPrefix("vic@shop.test") && lines[2].contains(" viewer "))
        #expect(!list.stdout.contains("$2"), "no password hash is printed")

        let deleted = try await tailor(["users", "delete", "ANA@shop.test"], in: dir)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout == "deleted ana@shop.test\n")
        #expect(!(try await tailor(["users", "list"], in: dir)).stdout.contains("ana@shop.test"))
    }

    @Test func badInputIsRefusedWithAReason() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let create = ["users", "create", "ana@shop.test", "--role", "admin", "--password-stdin"]

        let short = try await tailor(create, in: dir, stdin: "short\n")
        #expect(short.status != 0)
        #expect(short.stderr.contains("a password has 10 to 72 bytes"))
        #expect(!short.stderr.contains("short\n"))

        let noInput = try await tailor(create, in: dir, stdin: "")
        #expect(noInput.status != 0)
        #expect(noInput.stderr.contains("standard input held no password"))

        // Without --password-stdin and without a terminal, it says how to pass one instead of waiting.
        let notTerminal = try await tailor(["users", "create", "ana@shop.test", "--role", "admin"], in: dir, stdin: "a long enough secret\n")
        #expect(notTerminal.status != 0)
        #expect(notTerminal.stderr.contains("pass --password-stdin"))

        let badRole = try await tailor(["users", "create", "ana@shop.test", "--role", "owner", "--password-stdin"], in: dir, stdin: "a long enough secret\n")
        #expect(badRole.status != 0)
        #expect(badRole.stderr.contains("owner"))

        let badEmail = try await tailor(["users", "create", "not-an-email", "--role", "admin", "--password-stdin"], in: dir, stdin: "a long enough secret\n")
        #expect(badEmail.status != 0)
        #expect(badEmail.stderr.contains("the email is not an address"))

        #expect(try await tailor(create, in: dir, stdin: "a long enough secret\n").status == 0)
        let twice = try await tailor(create, in: dir, stdin: "a long enough secret\n")
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("a dashboard user has this email already"))

        let missing = try await tailor(["users", "delete", "nobody@shop.test"], in: dir)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no dashboard user has this email"))
    }
}
