import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorServer
import TailorStore
import TailorTesting

/// Double opt-in through the router and the outbox: a grant recorded by the API under the policy is pending, a
/// confirmation email leaves through the outbox (written by the file transport), its link's page confirms it once,
/// and forged or expired links get a page that says so and record nothing.
@Suite("Double opt-in")
struct DoubleOptInTests {
    let t0 = Date(millisecondsSince1970: 1_767_225_600_000)  // 2026-01-01

    struct Fixture: Sendable {
        let test: TestDatabase
        let clock: ManualClock
        let service: DoubleOptInService
        let mailDirectory: URL
        let ann: ProfileID
        let bo: ProfileID
    }

    /// Ann (DE, double opt-in by country) and Bo (FR, opt-out), the app with double opt-in on.
    func withFixture(_ backend: TestBackend, _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabase.with(backend) { test in
            let clock = ManualClock(t0)
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["email": "ann@example.com", "country": "de", "first_name": "Ann"], at: t0, messageId: "i1"),
                .identify(userId: "u2", traits: ["email": "bo@example.com", "country": "FR"], at: t0, messageId: "i2"),
            ], planner: IngestPlanner())
            let ann = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            let bo = try #require(try await test.database.profile(ProfileReference("user:u2")!)).id
            let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
            let options = DoubleOptInService.Options(policy: EmailConsentPolicy(.optOut, byCountry: ["DE": .doubleOptIn]),
                                                     links: ConfirmationLinks(links), from: try MailAddress("news@shop.test"))
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            settings.doubleOptIn = options
            settings.emailConsent = options.policy
            let stores = Stores(test.database)
            let app = Application(router: buildRouter(settings: settings, stores: stores, ingest: IngestService(events: test.database), clock: clock))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-doi-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let fixture = Fixture(test: test, clock: clock, service: DoubleOptInService(stores: stores, options: options, clock: clock),
                                  mailDirectory: directory, ann: ann, bo: bo)
            try await app.test(.router) { client in try await body(fixture, client) }
        }
    }

    func grant(_ user: String, _ client: any TestClientProtocol) async throws {
        let body = #"{"profile":"user:\#(user)","purpose":"email_marketing","status":"granted","proof":{"form":"newsletter box v2"}}"#
        let response = try await client.execute(uri: "/v1/consent", method: .post, headers: bearer, body: ByteBuffer(string: body))
        #expect(response.status == .ok || response.status == .created, "\(String(buffer: response.body))")
    }

    func permitted(_ f: Fixture) async throws -> Set<ProfileID> {
        try await LedgerConsent(store: f.test.stores.consent, policy: f.service.options.policy, profiles: f.test.stores.profiles, clock: f.clock)
            .permitsMarketing([f.ann, f.bo])
    }

    /// Drains the outbox into the mail folder and returns the path of the confirmation link in the email.
    func mailedLink(_ f: Fixture) async throws -> String {
        let summary = try await OutboxWorker(store: f.test.stores.mail, configuration: .init(workerID: "w"), clock: f.clock)
            .drain(using: try FileSink(directory: f.mailDirectory))
        #expect(summary.sent == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: f.mailDirectory.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 1)
        let raw = try String(contentsOf: f.mailDirectory.appendingPathComponent(try #require(files.first)), encoding: .utf8)
        #expect(raw.contains("X-Envelope-To: ann@example.com"))
        #expect(raw.contains("Subject: Please confirm your subscription"))
        #expect(!raw.contains("List-Unsubscribe"))
        // The text part is quoted-printable: undo its soft line breaks before reading the link.
        let text = raw.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
        let start = try #require(text.range(of: "https://mail.shop.test/c/"))
        let token = text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return "/c/" + token
    }

    @Test(arguments: TestBackend.available)
    func aGrantIsPendingUntilItsMailedLinkIsFollowedOnce(backend: TestBackend) async throws {
        try await withFixture(backend) { f, client in
            try await grant("u1", client)
            try await grant("u2", client)
            // Ann's country asks for double opt-in: her grant is pending; Bo's (opt-out) is enough.
            #expect(try await permitted(f) == [f.bo])
            let pending = try json(try await client.execute(uri: "/v1/profiles/user:u1/consent", method: .get, headers: bearer))
            #expect(pending[path: "email_marketing.pending_confirmation"] == .bool(true) && pending[path: "email_marketing.allowed"] == .bool(false))
            let france = try json(try await client.execute(uri: "/v1/profiles/user:u2/consent", method: .get, headers: bearer))
            #expect(france[path: "email_marketing.policy"] == "opt-out" && france[path: "email_marketing.allowed"] == .bool(true))
            // A grant just recorded waits for the next pass (a late commit on PostgreSQL could hold a lower id).
            #expect(try await f.service.sendConfirmations().queued == 0)
            f.clock.advance(by: 15)
            let pass = try await f.service.sendConfirmations()
            #expect(pass.queued == 1)
            #expect(try await f.service.sendConfirmations().queued == 0)  // the cursor moved on; nothing twice
            let link = try await mailedLink(f)

            // Opening the link shows a button and records nothing (mail scanners open links too).
            let page = try await client.execute(uri: link, method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Please confirm") && html.contains(#"<form method="post">"#) && !html.contains("ann@example.com"))
            #expect(try await f.test.stores.consent.consentHistory(of: f.ann).count == 1)

            f.clock.advance(by: 3600)
            let clicked = f.clock.now()
            let headers: HTTPFields = [.userAgent: "Mozilla/5.0 (X11) Firefox/140.0", HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"]
            let confirmed = try await client.execute(uri: link, method: .post, headers: headers)
            #expect(confirmed.status == .ok)
            #expect(String(buffer: confirmed.body).contains("your subscription is confirmed"))
            let history = try await f.test.stores.consent.consentHistory(of: f.ann)
            #expect(history.count == 2)
            let entry = try #require(history.last)
            #expect(entry.status == .granted && entry.source == .doubleOptIn && entry.at == clicked)
            #expect(entry.proof["ip"] == "203.0.113.7" && entry.proof["user_agent"] == "Mozilla/5.0 (X11) Firefox/140.0")
            #expect(entry.proof["confirmed_at"] == .string(ISO8601.format(clicked)))
            #expect(try await permitted(f) == [f.ann, f.bo])
            let shown = try json(try await client.execute(uri: "/v1/profiles/user:u1/consent", method: .get, headers: bearer))
            #expect(shown[path: "email_marketing.policy"] == "double-opt-in" && shown[path: "email_marketing.allowed"] == .bool(true))
            #expect(shown[path: "email_marketing.pending_confirmation"] == .bool(false))

            // A second click records nothing more.
            let again = try await client.execute(uri: link, method: .post, headers: headers)
            #expect(again.status == .ok && String(buffer: again.body).contains("confirmed already"))
            #expect(try await f.test.stores.consent.consentHistory(of: f.ann).count == 2)
            #expect(try await f.service.sendConfirmations().queued == 0)
        }
    }

    @Test func forgedAndExpiredLinksGetAPageAndRecordNothing() async throws {
        try await withFixture(.sqlite) { f, client in
            try await grant("u1", client)
            f.clock.advance(by: 15)
            #expect(try await f.service.sendConfirmations().queued == 1)
            let link = try await mailedLink(f)
            let token = String(link.dropFirst("/c/".count))
            let parts = token.split(separator: ".").map(String.init)

            // A changed signature, a payload naming someone else under the old signature, garbage.
            let flipped = String(parts[1].dropLast()) + (parts[1].last == "A" ? "B" : "A")
            let forgedPayload = f.service.options.links.url(ConfirmationToken(profileID: f.bo, grantedAt: 0, expiresAt: t0.addingTimeInterval(86_400)))
                .split(separator: "/").last!.split(separator: ".")[0]
            for bad in ["/c/\(parts[0]).\(flipped)", "/c/\(forgedPayload).\(parts[1])", "/c/not-a-token"] {
                for method in [HTTPRequest.Method.get, .post] {
                    let response = try await client.execute(uri: bad, method: method)
                    #expect(response.status == .badRequest, "\(method) \(bad)")
                    #expect(String(buffer: response.body).contains("This confirmation link is not valid"))
                }
            }
            // Eight days later the link has expired: 410, a page that says so, nothing recorded.
            f.clock.advance(by: 8 * 86_400)
            for method in [HTTPRequest.Method.get, .post] {
                let expired = try await client.execute(uri: link, method: method)
                #expect(expired.status == .gone)
                #expect(String(buffer: expired.body).contains("has expired"))
            }
            #expect(try await f.test.stores.consent.consentHistory(of: f.ann).count == 1)
            #expect(try await permitted(f) == [f.bo])
        }
    }

    @Test func aWithdrawalBeforeTheClickLeavesNothingToConfirm() async throws {
        try await withFixture(.sqlite) { f, client in
            try await grant("u1", client)
            f.clock.advance(by: 15)
            #expect(try await f.service.sendConfirmations().queued == 1)
            let link = try await mailedLink(f)
            f.clock.advance(by: 60)
            let body = #"{"profile":"user:u1","purpose":"email_marketing","status":"withdrawn"}"#
            _ = try await client.execute(uri: "/v1/consent", method: .post, headers: bearer, body: ByteBuffer(string: body))
            f.clock.advance(by: 60)
            let response = try await client.execute(uri: link, method: .post)
            #expect(response.status == .ok && String(buffer: response.body).contains("nothing to confirm"))
            #expect(try await f.test.stores.consent.consentHistory(of: f.ann).count == 2)
            #expect(try await permitted(f) == [f.bo])
        }
    }

    @Test func aStoredTemplateReplacesTheBuiltInEmail() async throws {
        try await withFixture(.sqlite) { f, client in
            let template = #"{"name":"double-opt-in","subject":"Bitte bestätigen, {{ traits.first_name }}","html":"<p><a href=\"{{ confirm_url }}\">Ja</a></p>"}"#
            #expect(try await client.execute(uri: "/v1/templates", method: .post, headers: bearer, body: ByteBuffer(string: template)).status == .created)
            try await grant("u1", client)
            f.clock.advance(by: 15)
            #expect(try await f.service.sendConfirmations().queued == 1)
            _ = try await OutboxWorker(store: f.test.stores.mail, configuration: .init(workerID: "w"), clock: f.clock)
                .drain(using: try FileSink(directory: f.mailDirectory))
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: f.mailDirectory.path).first { $0.hasSuffix(".eml") })
            let raw = try String(contentsOf: f.mailDirectory.appendingPathComponent(file), encoding: .utf8)
            #expect(raw.lowercased().contains("subject: =?utf-8?") && raw.replacingOccurrences(of: "=\r\n", with: "").contains(">Ja</a>"))
            #expect(raw.replacingOccurrences(of: "=\r\n", with: "").contains("https://mail.shop.test/c/"))
        }
    }

    /// A site's banner sending the grant with an identify (`traits.consent`) gets the same confirmation; restating it
    /// after the confirmation records nothing and mails nothing.
    @Test(arguments: TestBackend.available)
    func aGrantCarriedByAnIdentifyIsConfirmedTheSameWay(backend: TestBackend) async throws {
        try await withFixture(backend) { f, client in
            let identify = #"{"userId":"u1","traits":{"consent":{"email_marketing":true}},"context":{"ip":"198.51.100.4"},"messageId":"c1"}"#
            #expect(try await client.execute(uri: "/v1/identify", method: .post, headers: basic(writeKey), body: ByteBuffer(string: identify)).status == .ok)
            f.clock.advance(by: 15)
            #expect(try await f.service.sendConfirmations().queued == 1)
            let link = try await mailedLink(f)
            #expect(try await client.execute(uri: link, method: .post).status == .ok)
            #expect(try await permitted(f) == [f.ann, f.bo])
            let again = #"{"userId":"u1","traits":{"consent":{"email_marketing":true}},"messageId":"c2"}"#
            #expect(try await client.execute(uri: "/v1/identify", method: .post, headers: basic(writeKey), body: ByteBuffer(string: again)).status == .ok)
            f.clock.advance(by: 15)
            #expect(try await f.service.sendConfirmations().queued == 0)
            #expect(try await f.test.stores.consent.consentHistory(of: f.ann).count == 2)
            #expect(try await permitted(f) == [f.ann, f.bo])
        }
    }
}
