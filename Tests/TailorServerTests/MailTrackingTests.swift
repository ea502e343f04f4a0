import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

/// The mail links' endpoints, driven through the router: opens, clicks, one-click unsubscribe, the
/// preference page, and refusal of anything not signed by this deployment.
@Suite("Mail tracking endpoints")
struct MailTrackingTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    struct Fixture: Sendable {
        let test: TestDatabase
        let store: any MailStore
        let links: TrackingLinks
        let token: TrackingToken
        let profile: ProfileID
    }

    /// A profile with one queued message, and the app with tracking on.
    func withFixture(_ backend: TestBackend = .sqlite,
                     _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabase.with(backend) { test in
            let store = test.stores.mail
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ann@example.com"], at: t0, messageId: "i1")],
                                               planner: IngestPlanner())
            let profile = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            let key = "c1:\(profile.rawValue)"
            _ = try await store.enqueue([OutboxMessage(idempotencyKey: key, profileID: profile, campaign: "c1", sender: "news@shop.test",
                                                       recipient: "Ann@Example.com", data: Array("Subject: x\r\n\r\ny\r\n".utf8))], at: t0)
            let links = TrackingLinks(baseURL: "https://mail.shop.test/", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: ["wk"], adminKeyHashes: []))
            settings.mailTracking = MailEngagement(store: store, links: links)
            let app = Application(router: buildRouter(settings: settings, stores: Stores(test.database), ingest: IngestService(events: test.database)))
            let fixture = Fixture(test: test, store: store, links: links, token: TrackingToken(profileID: profile, campaign: "c1", messageKey: key),
                                  profile: profile)
            try await app.test(.router) { client in try await body(fixture, client) }
        }
    }

    /// The path and query of a link the fixture built.
    func path(_ url: String) -> String {
        String(url.dropFirst("https://mail.shop.test".count))
    }

    func events(_ f: Fixture, _ name: String) async throws -> [StoredEvent] {
        try await f.test.database.events(of: f.profile, before: nil, limit: 100).filter { $0.message.event == name }
    }

    @Test func openPixelRecordsOpensAndFlagsMachineOnes() async throws {
        try await withFixture { f, client in
            let url = path(f.links.openURL(f.token))
            let thunderbird = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0"
            let human = try await client.execute(uri: url, method: .get, headers: [.userAgent: thunderbird])
            #expect(human.status == .ok)
            #expect(human.headers[.contentType] == "image/gif")
            #expect(Array(human.body.readableBytesView.prefix(6)) == Array("GIF89a".utf8))
            // Apple Mail Privacy Protection's proxy: bare user agent.
            _ = try await client.execute(uri: url, method: .get,
                                         headers: [.userAgent: "Mozilla/5.0", HTTPField.Name("X-Forwarded-For")!: "17.58.1.2"])
            let opens = try await events(f, "Email Opened")
            #expect(opens.count == 2)
            #expect(opens.filter { $0.message.properties["machine_open"] == .bool(true) }.first?.message.properties["machine_source"] == "apple_mpp")
            #expect(opens.filter { $0.message.properties["machine_open"] == .bool(false) }.count == 1)
            #expect(opens.allSatisfy { $0.message.properties["campaign_id"] == "c1" })
            #expect(try await f.test.database.profile(.id(f.profile))?.state.emailOpens == 2)
            // The user agent and address are kept in the sealed context.
            #expect(opens.contains { $0.message.context["ip"] == "17.58.1.2" })
        }
    }

    @Test func clickRedirectsOnlyToTheSignedTarget() async throws {
        try await withFixture { f, client in
            let target = "https://shop.test/p/42?utm_source=mail&x=a b"
            let url = path(f.links.clickURL(target, f.token))
            let ok = try await client.execute(uri: url, method: .get)
            #expect(ok.status == .found)
            #expect(ok.headers[.location] == target)
            let clicks = try await events(f, "Email Clicked")
            #expect(clicks.count == 1 && clicks[0].message.properties["url"] == .string(target))

            // Another target with the same token and signature: refused, never redirected.
            let evil = url.replacingOccurrences(of: "?u=", with: "?u=https%3A%2F%2Fevil.test%2F&v=")
            let changedTarget = try await client.execute(uri: evil, method: .get)
            #expect(changedTarget.status == .badRequest)
            #expect(changedTarget.headers[.location] == nil)
            let other = path(f.links.clickURL("https://evil.test/", f.token)).split(separator: "?")[0] + "?u=" + "https%3A%2F%2Fshop.test%2F"
            #expect(try await client.execute(uri: String(other), method: .get).status == .badRequest)
            // A changed signature, payload, or a token made for another purpose.
            let token = String(url.dropFirst("/t/c/".count).split(separator: "?")[0])
            let parts = token.split(separator: ".")
            let flipped = String(parts[1].dropLast()) + (parts[1].last == "A" ? "B" : "A")
            #expect(try await client.execute(uri: "/t/c/\(parts[0]).\(flipped)?u=\(url.split(separator: "=", maxSplits: 1)[1])", method: .get).status
                    == .badRequest)
            let otherProfile = TrackingToken(profileID: ProfileID("someone-else"), campaign: "c1", messageKey: f.token.messageKey)
            let forged = String(path(f.links.clickURL(target, otherProfile)).dropFirst("/t/c/".count).split(separator: ".")[0])
            #expect(try await client.execute(uri: "/t/c/\(forged).\(parts[1])?u=\(url.split(separator: "=", maxSplits: 1)[1])", method: .get).status
                    == .badRequest)
            let openToken = path(f.links.openURL(f.token)).dropFirst("/t/o/".count)
            #expect(try await client.execute(uri: "/t/u/\(openToken)", method: .post, body: ByteBuffer(string: "List-Unsubscribe=One-Click")).status
                    == .badRequest)
            #expect(try await client.execute(uri: "/t/o/not-a-token", method: .get).status == .badRequest)
            #expect(try await events(f, "Email Clicked").count == 1)
            #expect(!(try await f.store.isSuppressed(address: "ann@example.com")))
        }
    }

    @Test(arguments: TestBackend.available)
    func oneClickUnsubscribeSuppressesTheAddress(backend: TestBackend) async throws {
        try await withFixture(backend) { f, client in
            let url = path(f.links.unsubscribeURL(f.token))
            let response = try await client.execute(uri: url, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(response.status == .ok)
            #expect(try await f.store.isSuppressed(address: "ann@example.com"))
            let entry = try await f.store.suppressions(keys: [f.store.suppressionKey(forAddress: "ann@example.com")]).values.first
            #expect(entry?.reason == .unsubscribe && entry?.source == "c1")
            // Repeating it is harmless and records one event.
            _ = try await client.execute(uri: url, method: .post, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(try await events(f, "Unsubscribed").count == 1)
            #expect(try await events(f, "Unsubscribed").first?.message.properties["method"] == "one-click")
        }
    }

    @Test func preferencePageUnsubscribesAndResubscribes() async throws {
        try await withFixture { f, client in
            let url = path(f.links.unsubscribeURL(f.token))
            let page = try await client.execute(uri: url, method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("You are subscribed") && html.contains(#"value="unsubscribe""#))
            #expect(!html.contains("ann@example.com") && !html.lowercased().contains("example.com"))
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let after = try await client.execute(uri: url, method: .post, headers: form, body: ByteBuffer(string: "action=unsubscribe"))
            #expect(String(buffer: after.body).contains("You are unsubscribed"))
            #expect(try await f.store.isSuppressed(address: "ann@example.com"))
            let back = try await client.execute(uri: url, method: .post, headers: form, body: ByteBuffer(string: "action=resubscribe"))
            #expect(String(buffer: back.body).contains("You are subscribed"))
            #expect(!(try await f.store.isSuppressed(address: "ann@example.com")))
            // A hard bounce cannot be lifted from the page.
            try await f.store.suppress([SuppressionEntry(key: f.store.suppressionKey(forAddress: "ann@example.com"), reason: .hardBounce,
                                                         createdAt: t0)])
            let blocked = try await client.execute(uri: url, method: .post, headers: form, body: ByteBuffer(string: "action=resubscribe"))
            #expect(String(buffer: blocked.body).contains("cannot receive"))
            #expect(try await f.store.isSuppressed(address: "ann@example.com"))
            #expect(try await client.execute(uri: url, method: .post, headers: form, body: ByteBuffer(string: "action=other")).status == .badRequest)
        }
    }

    @Test func linkRewritingWrapsWebLinksAndAddsThePixel() async throws {
        let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
        let token = TrackingToken(profileID: ProfileID("p1"), campaign: "c1", messageKey: "c1:p1")
        let html = #"<html><body><a href="https://shop.test/a?x=1&amp;y=2">A</a> <A class='b' HREF='http://shop.test/b'>B</A> "#
            + ##"<a href="mailto:help@shop.test">mail</a> <a href="#top">top</a></body></html>"##
        let out = links.rewrite(html: html, token: token)
        #expect(!out.contains(#"href="https://shop.test/a"#) && !out.contains("HREF='http://shop.test/b'"))
        #expect(out.contains(#"href="mailto:help@shop.test""#) && out.contains(##"href="#top""##))
        #expect(out.components(separatedBy: "https://mail.shop.test/t/c/").count == 3)
        #expect(out.contains(#"<img src="https://mail.shop.test/t/o/"#))
        #expect(out.hasSuffix("</body></html>"))
        // Each wrapped link verifies with its original target (entities decoded).
        let first = try #require(out.range(of: #"/t/c/[^"]+"#, options: .regularExpression))
        let link = String(out[first]).replacingOccurrences(of: "&amp;", with: "&")
        let token0 = String(link.dropFirst("/t/c/".count).split(separator: "?")[0])
        let target = try #require(String(link.split(separator: "=", maxSplits: 1)[1]).removingPercentEncoding)
        #expect(target == "https://shop.test/a?x=1&y=2")
        #expect(try links.verify(token0, .click, target: target) == token)
        #expect(throws: TrackingLinkError.self) { try links.verify(token0, .click, target: "https://shop.test/other") }
        #expect(throws: TrackingLinkError.self) { try links.verify(token0, .open) }
    }

    @Test func machineOpenRules() {
        let detector = MachineOpenDetector()
        #expect(detector.machineSource(userAgent: nil, address: "1.2.3.4") == "no_user_agent")
        #expect(detector.machineSource(userAgent: "Mozilla/5.0", address: "203.0.113.9") == "apple_mpp")
        #expect(detector.machineSource(userAgent: "Mozilla/5.0 (iPhone) AppleWebKit", address: "17.0.0.1") == "apple_mpp")
        #expect(detector.machineSource(userAgent: "Mozilla/5.0 (iPhone) AppleWebKit", address: "2620:149:a::1") == "apple_mpp")
        #expect(detector.machineSource(userAgent: "Barracuda Sentinel (EE)", address: nil) == "scanner")
        #expect(detector.machineSource(userAgent: "python-requests/2.31", address: nil) == "scanner")
        #expect(detector.machineSource(userAgent: "Mozilla/5.0 (Windows NT 5.1) GoogleImageProxy", address: "66.249.1.1") == nil)
        #expect(detector.machineSource(userAgent: "Mozilla/5.0 (Macintosh) AppleWebKit/605 Mail", address: "171.5.5.5") == nil)
    }
}
