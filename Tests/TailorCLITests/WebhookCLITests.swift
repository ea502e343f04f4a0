import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tailor webhook …` run as a user would: subscriptions created (bad ones refused, naming the argument),
/// listed without their secrets, a call queued when an import puts someone in the subscribed segment, the
/// delivery log read before and after `webhook deliver`, and a real receiver that checks the signature.
@Suite("tailor webhook", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct WebhookCLITests {
    static let now = "2026-11-01T12:00:00Z"
    static let secret = "whsec-0123456789abcdef"
    /// Nothing listens on the discard port: every attempt there fails to connect.
    static let closed = "http://127.0.0.1:9"

    func environment(_ dir: URL) -> [String: String] {
        ["TAILOR_NOW": Self.now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path]
    }

    func refused(_ arguments: [String], saying message: String, in dir: URL) async throws {
        let run = try await tailor(["webhook"] + arguments, in: dir, environment: environment(dir))
        #expect(run.status != 0 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        #expect(!run.stderr.contains(Self.secret))
    }

    @Test func subscriptionsAreCreatedListedLoggedAndDeleted() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        let segment = try await tailor(["segment", "create", "Paris", "--where", #"traits.city = "Paris""#], in: dir, environment: env)
        #expect(segment.status == 0, "\(segment.stderr)")

        let paris = ["\(Self.closed)/paris", "--event", "Segment Entered", "--segment", "paris", "--secret", Self.secret]
        try await refused(["create", "ftp://crm.shop.test", "--event", "Segment Entered", "--secret", Self.secret],
                          saying: "URL: expected an http or https URL", in: dir)
        try await refused(["create", "\(Self.closed)/paris", "--event", "Segment Entered", "--secret", "short"],
                          saying: "--secret: expected a signing secret of 16 to 256 characters", in: dir)
        try await refused(["create", "\(Self.closed)/paris", "--secret", Self.secret], saying: "--event: give at least one event name", in: dir)
        try await refused(["create", "\(Self.closed)/paris", "--event", "Segment Entered", "--segment", "atlantis", "--secret", Self.secret],
                          saying: "--segment: no segment atlantis", in: dir)
        try await refused(["create", "\(Self.closed)/paris", "--event", "Order Completed", "--segment", "paris", "--secret", Self.secret],
                          saying: "--segment: a segment filters only Segment Entered and Segment Exited", in: dir)

        let created = try await tailor(["webhook", "create"] + paris, in: dir, environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("wh_") && !id.contains("\n"), "\(created.stdout)")
        let orders = try await tailor(["webhook", "create", "\(Self.closed)/orders", "--event", "Order Completed", "--secret", Self.secret, "--json"],
                                      in: dir, environment: env)
        let order = try #require(try JSONSerialization.jsonObject(with: Data(orders.stdout.utf8)) as? [String: Any], "\(orders.stderr)")
        #expect(order["events"] as? [String] == ["Order Completed"] && order["segment"] is NSNull && order["secret"] == nil, "\(orders.stdout)")

        let list = try await tailor(["webhook", "list", "--json"], in: dir, environment: env)
        #expect(!list.stdout.contains(Self.secret))
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]], "\(list.stdout)")
        #expect(Set(listed.compactMap { $0["id"] as? String }) == [id, try #require(order["id"] as? String)])
        let text = try await tailor(["webhook", "list"], in: dir, environment: env)
        #expect(text.stdout.contains("\(id)\t\(Self.closed)/paris\tSegment Entered\tsegment paris"), "\(text.stdout)")

        // Nothing yet; ann's identify puts her in Paris: one call, due now. bo (Berlin) is in no segment.
        #expect(try await tailor(["webhook", "calls", id], in: dir, environment: env).stdout.contains("no calls yet for webhook \(id)"))
        try await importEvents([identify("ann", city: "Paris", id: "i-ann"), identify("bo", city: "Berlin", id: "i-bo")], in: dir, environment: env)
        let calls = try await tailor(["webhook", "calls", id], in: dir, environment: env)
        let lines = calls.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("webhook:\(id):segment:paris:"), "\(calls.stdout) \(calls.stderr)")
        let due = "2026-11-01T12:00:00.000Z"
        #expect(calls.stdout.contains("\tpending\tattempts 0\tlast -\tnext \(due)\tcreated \(due)"), "\(calls.stdout)")
        let json = try await tailor(["webhook", "calls", id, "--json", "--limit", "5"], in: dir, environment: env)
        let logged = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        #expect(logged.count == 1 && logged.first?["state"] as? String == "pending" && logged.first?["webhook_id"] as? String == id)
        try await refused(["calls", "wh_nope"], saying: "no webhook wh_nope", in: dir)
        try await refused(["calls", id, "--limit", "0"], saying: "--limit: expected 1 to 1000", in: dir)

        // The receiver is down: the attempt fails and the call waits 30 seconds for the next one.
        let deliver = try await tailor(["webhook", "deliver"], in: dir, environment: env)
        #expect(deliver.status == 0 && deliver.stdout.contains("delivered 0, retrying 1, failed 0"), "\(deliver.stdout) \(deliver.stderr)")
        let after = try await tailor(["webhook", "calls", id], in: dir, environment: env)
        #expect(after.stdout.contains("\tpending\tattempts 1\tlast ") && after.stdout.contains("\tnext 2026-11-01T12:00:30.000Z"), "\(after.stdout)")
        #expect(!after.stdout.contains("last -"), "\(after.stdout)")
        #expect(try await tailor(["webhook", "deliver"], in: dir, environment: env).stdout.contains("delivered 0, retrying 0, failed 0"))

        let deleted = try await tailor(["webhook", "delete", id], in: dir, environment: env)
        #expect(deleted.status == 0 && deleted.stdout.contains("deleted webhook \(id)"), "\(deleted.stderr)")
        try await refused(["delete", id], saying: "no webhook \(id)", in: dir)
        let rest = try await tailor(["webhook", "list"], in: dir, environment: env)
        #expect(!rest.stdout.contains(id) && rest.stdout.contains("\(Self.closed)/orders\tOrder Completed\tany segment"), "\(rest.stdout)")
    }

    /// A receiver in Python checks `X-Tailor-Signature` with the secret (HMAC-SHA256 over `t.body`) and answers
    /// 204: the call is delivered once, with the event in its body.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
    func deliverSignsTheCallAndAReceiverAcceptsIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        let received = dir.appendingPathComponent("received.jsonl")
        let portFile = dir.appendingPathComponent("port")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TAILOR_PYTHON"]!)
        receiver.arguments = ["-c", Self.receiverScript, Self.secret, received.path, portFile.path]
        // Not holding the test runner's output open; killed with SIGKILL (under the test runner SIGTERM left it
        // running), and gone by itself after two minutes whatever happens here.
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try launch(receiver)
        defer { kill(receiver.processIdentifier, SIGKILL) }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            port = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
        }
        try #require(!port.isEmpty)

        let created = try await tailor(["webhook", "create", "http://127.0.0.1:\(port)/hooks", "--event", "Order Completed", "--secret", Self.secret],
                                       in: dir, environment: env)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && id.hasPrefix("wh_"), "\(created.stderr)")
        try await importEvents([order("ann", revenue: 42.5, at: "2026-11-01T11:00:00Z", id: "o-1")], in: dir, environment: env)
        let deliver = try await tailor(["webhook", "deliver"], in: dir, environment: env)
        #expect(deliver.stdout.contains("delivered 1, retrying 0, failed 0"), "\(deliver.stdout) \(deliver.stderr)")

        let lines = ((try? String(contentsOf: received, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 1)
        let first = try #require(lines.first)
        let call = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(call["valid"] as? Bool == true, "\(call)")
        let body = try #require(call["body"] as? [String: Any])
        #expect(body["event"] as? String == "Order Completed" && body["webhook_id"] as? String == id && body["message_id"] as? String == "o-1")
        #expect((body["properties"] as? [String: Any])?["revenue"] as? Double == 42.5)
        #expect(call["id"] as? String == body["id"] as? String)
        let log = try await tailor(["webhook", "calls", id], in: dir, environment: env)
        #expect(log.stdout.contains("\tdelivered\tattempts 1\tlast HTTP 204\tnext -"), "\(log.stdout)")
    }

    static let receiverScript = """
        import hashlib, hmac, http.server, json, os, sys, time
        secret, out, port_file = sys.argv[1:4]
        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                fields = dict(p.split('=', 1) for p in self.headers['X-Tailor-Signature'].split(','))
                expected = hmac.new(secret.encode(), fields['t'].encode() + b'.' + body, hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, fields['v1'])
                with open(out, 'a') as f:
                    f.write(json.dumps({'valid': valid, 'id': self.headers['X-Tailor-Webhook-Id'], 'body': json.loads(body)}) + '\\n')
                self.send_response(204 if valid else 401)
                self.end_headers()
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(('127.0.0.1', 0), Receiver)
        with open(port_file + '.tmp', 'w') as f:
            f.write(str(server.server_address[1]))
        os.rename(port_file + '.tmp', port_file)
        server.timeout = 0.5
        deadline = time.time() + 120
        while time.time() < deadline:
            server.handle_request()
        """
}
