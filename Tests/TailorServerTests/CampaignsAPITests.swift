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

@Suite("Templates and campaigns API")
struct CampaignsAPITests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func settings() throws -> CampaignSettings {
        let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
        return CampaignSettings(composer: EmailComposer(from: try MailAddress(parsing: "Shop <news@shop.test>"), links: links))
    }

    func app(_ test: TestDatabase, campaigns: CampaignSettings?) -> some ApplicationProtocol {
        var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
        settings.campaigns = campaigns
        return Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database),
                                               clock: ManualClock(t0)))
    }

    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: JSONValue? = nil) async throws -> TestResponse {
        var headers = bearer
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(bytes: JSONWriter.bytes($0)) })
    }

    func shop(_ test: TestDatabase) async throws {
        _ = try await test.database.ingest([
            .identify(userId: "u1", traits: ["email": "ana@example.test", "first_name": "Ana", "vip": true], at: t0, messageId: "i1"),
            .identify(userId: "u2", traits: ["email": "bo@example.test", "vip": true], at: t0, messageId: "i2"),
            .identify(userId: "u3", traits: ["first_name": "Cy", "vip": true], at: t0, messageId: "i3"),
        ], planner: IngestPlanner())
        _ = try await SegmentService(stores: test.stores, clock: ManualClock(t0)).define(name: "VIPs", condition: try Condition(text: "traits.vip = true"))
    }

    @Test(arguments: TestBackend.available)
    func templatesAndCampaignsOverHTTP(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await shop(test)
            let campaignSettings = try settings()
            try await app(test, campaigns: campaignSettings).test(.router) { client in
                // Refused: no key, Liquid that does not parse, an unknown layout.
                #expect(try await client.execute(uri: "/v1/templates", method: .get).status == .unauthorized)
                let broken = try await send(client, .post, "/v1/templates", ["name": "broken", "subject": "Hi", "html": "<p>\n{% for x in y %}"])
                #expect(broken.status == .unprocessableContent)
                #expect(try json(broken)[keys: "error", "path"] == "html")
                #expect(try json(broken)[keys: "error", "message"]?.stringValue?.contains("line 2") == true)
                let orphan = try await send(client, .post, "/v1/templates", ["name": "orphan", "subject": "Hi", "html": "x", "layout": "nope"])
                #expect(try orphan.status == .notFound && json(orphan)[keys: "error", "path"] == "layout")

                let frame = try await send(client, .post, "/v1/templates", ["name": "frame", "kind": "layout", "html": "<body>{{ content }}</body>"])
                #expect(frame.status == .created)
                let news = try await send(client, .post, "/v1/templates", [
                    "name": "news", "subject": "Hello {{ traits.first_name | default: \"friend\" }}", "layout": "frame",
                    "html": "<h1>Hi {{ traits.first_name | default: \"there\" }}</h1>",
                ])
                #expect(news.status == .created)
                #expect(try json(news)[path: "layout"] == "frame")
                let again = try await send(client, .post, "/v1/templates", ["name": "news", "subject": "x", "html": "x"])
                #expect(try again.status == .conflict && json(again)[path: "code"] == "exists")
                let patched = try await send(client, .patch, "/v1/templates/news", ["preheader": "Fresh picks"])
                #expect(try patched.status == .ok && json(patched)[path: "preheader"] == "Fresh picks")
                let list = try await send(client, .get, "/v1/templates")
                #expect(try json(list)[path: "templates"]?.arrayValue?.compactMap { $0[path: "name"]?.stringValue } == ["frame", "news"])

                let preview = try await send(client, .get, "/v1/templates/news/preview?profile=user:u1")
                #expect(preview.status == .ok)
                #expect(try json(preview)[path: "subject"] == "Hello Ana")
                #expect(try json(preview)[path: "html"]?.stringValue?.contains("<body><div style=\"display:none") == true)
                #expect(try json(preview)[path: "text"]?.stringValue?.contains("Hi Ana") == true)
                #expect(try await send(client, .get, "/v1/templates/news/preview?profile=user:nobody").status == .notFound)
                let check = try await send(client, .get, "/v1/templates/news/check?segment=vips")
                #expect(try json(check)[path: "recipients"] == 3)
                #expect(try json(check)[keys: "variables", "traits.first_name", "missing"] == 1)

                let unknown = try await send(client, .post, "/v1/campaigns", ["name": "Oops", "template": "news", "segments": ["ghosts"]])
                #expect(try unknown.status == .notFound && json(unknown)[keys: "error", "path"] == "segments[0]")
                let created = try await send(client, .post, "/v1/campaigns", ["name": "Spring", "template": "news", "segments": ["VIPs"]])
                #expect(try created.status == .created && json(created)[path: "state"] == "draft")
                let started = try await send(client, .post, "/v1/campaigns/spring/send")
                #expect(try started.status == .accepted && json(started)[path: "state"] == "sending")
                #expect(try json(started)[path: "audience"] == 3)

                // The server's runner renders and queues.
                let runner = CampaignRunner(service: CampaignService(stores: test.stores, clock: ManualClock(t0)), settings: campaignSettings)
                #expect(try await runner.runOnce() == ["spring"])
                let status = try json(try await send(client, .get, "/v1/campaigns/spring"))
                #expect(status[path: "queued"] == 2 && status[keys: "skipped", "no_email"] == 1 && status[path: "pending"] == 0)

                let report = try await send(client, .get, "/v1/reports/campaigns/spring?window=2d")
                #expect(report.status == .ok)
                #expect(try json(report)[path: "recipients"] == 3 && json(report)[keys: "attribution", "window_days"] == 2)
                #expect(try await send(client, .get, "/v1/reports/campaigns/spring?window=x").status == .badRequest)
                #expect(try await send(client, .get, "/v1/reports/campaigns/nope").status == .notFound)
                // The web version: the recipient's email, from a signed link; a tampered one is refused.
                let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
                let viewURL = campaignSettings.composer.links.viewURL(TrackingToken(profileID: ana, campaign: "spring"))
                let viewPath = String(viewURL.dropFirst("https://mail.shop.test".count))
                let web = try await client.execute(uri: viewPath, method: .get)
                #expect(web.status == .ok && String(buffer: web.body).contains("Hi Ana"))
                #expect(web.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(try await client.execute(uri: viewPath + "x", method: .get).status == .badRequest)
                // A journey email's web version: its link names the journey's step by the message key.
                let journey = try await send(client, .post, "/v1/journeys", ["name": "Hello again", "definition": [
                    "trigger": ["event": "Waved"], "steps": [["send": ["template": "news"]]]]])
                #expect(journey.status == .created)
                let journeyPath = { (key: String) in
                    String(campaignSettings.composer.links.viewURL(TrackingToken(profileID: ana, campaign: nil, messageKey: key))
                        .dropFirst("https://mail.shop.test".count))
                }
                let journeyWeb = try await client.execute(uri: journeyPath("journey:hello-again:1:0"), method: .get)
                #expect(journeyWeb.status == .ok && String(buffer: journeyWeb.body).contains("Hi Ana"))
                #expect(try await client.execute(uri: journeyPath("journey:hello-again:1:5"), method: .get).status == .notFound)
                #expect(try await client.execute(uri: journeyPath("sample:1"), method: .get).status == .badRequest)
                #expect(try await send(client, .post, "/v1/campaigns/spring/pause").status == .ok)
                let twice = try await send(client, .post, "/v1/campaigns/spring/pause")
                #expect(try twice.status == .conflict && json(twice)[path: "code"] == "illegal_state")
                #expect(try json(twice)[path: "message"]?.stringValue?.contains("is paused") == true)
                // Scheduling, pausing and resuming a campaign that has not started.
                #expect(try await send(client, .post, "/v1/campaigns", ["name": "Later", "template": "news", "segments": ["vips"]]).status == .created)
                let scheduled = try await send(client, .post, "/v1/campaigns/later/schedule", ["at": "2026-12-24T09:00:00Z"])
                #expect(try scheduled.status == .ok && json(scheduled)[path: "state"] == "scheduled")
                #expect(try json(scheduled)[path: "scheduled_at"] == "2026-12-24T09:00:00.000Z")
                #expect(try await send(client, .post, "/v1/campaigns/later/schedule", ["at": "soon"]).status == .badRequest)
                #expect(try await send(client, .post, "/v1/campaigns/later/pause").status == .ok)
                let resumed = try await send(client, .post, "/v1/campaigns/later/resume")
                #expect(try resumed.status == .ok && json(resumed)[path: "state"] == "scheduled")
                #expect(try await send(client, .post, "/v1/campaigns/later/resume").status == .conflict)
                #expect(try await send(client, .post, "/v1/campaigns/later/cancel").status == .ok)
                let all = try json(try await send(client, .get, "/v1/campaigns"))
                #expect(all[path: "campaigns"]?.arrayValue?.compactMap { $0[path: "id"]?.stringValue }.sorted() == ["later", "spring"])
                let inUse = try await send(client, .delete, "/v1/templates/news")
                #expect(try inUse.status == .conflict && json(inUse)[path: "code"] == "in_use")
                #expect(try await send(client, .post, "/v1/campaigns/spring/cancel").status == .ok)
                #expect(try await send(client, .delete, "/v1/templates/news").status == .noContent)
                #expect(try await send(client, .get, "/v1/templates/news").status == .notFound)
            }
        }
    }

    @Test func previewsWorkWithoutTheMailSettings() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await shop(test)
            try await app(test, campaigns: nil).test(.router) { client in
                _ = try await send(client, .post, "/v1/templates", ["name": "n", "subject": "s", "html": "<a href=\"{{ unsubscribe_url }}\">u</a>"])
                let r = try await send(client, .get, "/v1/templates/n/preview?profile=user:u1")
                let body = try json(r)
                #expect(r.status == .ok && body[path: "html"]?.stringValue?.contains("https://tailor.invalid/t/u/") == true)
            }
        }
    }
}

extension JSONValue {
    /// The value under nested keys taken as they are (keys may hold dots).
    subscript(keys keys: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys {
            guard case .object(let o)? = current else { return nil }
            current = o[key]
        }
        return current
    }
}

@Suite("Profile API: memberships and RFM")
struct ProfileMembershipAPITests {
    @Test(arguments: TestBackend.available)
    func aProfileShowsItsSegmentsSinceWhenAndItsRFM(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
            let clock = ManualClock(t0)
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["city": "Oslo"], at: t0, messageId: "i1"),
                .identify(userId: "u2", traits: ["city": "Rome"], at: t0, messageId: "i2"),
                .track("Order Completed", userId: "u1", properties: ["order_id": "o1", "revenue": 40], at: t0, messageId: "o1"),
            ], planner: IngestPlanner())
            let segments = SegmentService(stores: test.stores, clock: clock)
            _ = try await segments.define(name: "Oslo", condition: try Condition(text: #"traits.city = "Oslo""#))
            _ = try await segments.define(name: "Rome", condition: try Condition(text: #"traits.city = "Rome""#))
            try await segments.refreshRFM()
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            settings.campaigns = nil
            let app = Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database), clock: clock))
            try await app.test(.router) { client in
                let u1 = try json(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer))
                let memberships = try #require(u1[path: "segments"]?.arrayValue)
                #expect(memberships.count == 1)
                #expect(memberships.first?[path: "id"] == "oslo" && memberships.first?[path: "name"] == "Oslo")
                #expect(memberships.first?[path: "since"]?.stringValue?.hasPrefix("20") == true)
                #expect(u1[path: "rfm"]?[path: "group"]?.stringValue != nil)
                #expect(u1[path: "rfm"]?[path: "recency"]?.doubleValue != nil)
                let u2 = try json(try await client.execute(uri: "/v1/profiles/user:u2", method: .get, headers: bearer))
                #expect(u2[path: "segments"]?.arrayValue?.compactMap { $0[path: "id"]?.stringValue } == ["rome"])
                #expect(u2[path: "rfm"] == .null)  // no orders, no score
            }
        }
    }
}

@Suite("Consent API")
struct ConsentAPITests {
    @Test(arguments: TestBackend.available)
    func decisionsAreRecordedCheckedAndShown(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ann@example.test"], at: t0, messageId: "i1")],
                                               planner: IngestPlanner())
            let settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            let app = Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database),
                                                      clock: ManualClock(t0 + 3600)))
            try await app.test(.router) { client in
                func post(_ body: String) async throws -> TestResponse {
                    var headers = bearer
                    headers[.contentType] = "application/json"
                    return try await client.execute(uri: "/v1/consent", method: .post, headers: headers, body: ByteBuffer(string: body))
                }
                let unknown = try await post(#"{"profile":"user:u1","purpose":"dating","status":"granted"}"#)
                #expect(unknown.status == .badRequest)
                #expect(try json(unknown)[keys: "error", "path"] == "purpose")
                let badEntry = try await post(#"{"profile":"user:u1","entries":[{"purpose":"analytics","status":"granted"},{"purpose":"analytics","status":"maybe"}]}"#)
                #expect(try badEntry.status == .badRequest && json(badEntry)[keys: "error", "path"] == "entries[1].status")
                #expect(try await post(#"{"profile":"user:nobody","purpose":"analytics","status":"granted"}"#).status == .notFound)
                let created = try await post(#"""
                    {"profile":"user:u1","entries":[
                      {"purpose":"email_marketing","status":"granted","at":"2026-05-28T20:00:00Z","proof":{"ip":"203.0.113.9","form":"signup v2"}},
                      {"purpose":"analytics","status":"denied","source":"preference_page","at":"2026-05-28T20:01:00Z"}]}
                    """#)
                #expect(created.status == .created)
                let body = try json(created)
                #expect(body[keys: "current", "email_marketing", "status"] == "granted")
                #expect(body[keys: "current", "analytics", "source"] == "preference_page")
                #expect(body[path: "history"]?.arrayValue?.count == 2)
                // Nothing half-recorded: the refused requests above left no entry.
                let read = try json(try await client.execute(uri: "/v1/profiles/user:u1/consent", method: .get, headers: bearer))
                #expect(read[path: "history"]?.arrayValue?.count == 2)
                #expect(read[keys: "history"]?.arrayValue?.first?[keys: "proof", "form"] == "signup v2")
                let profile = try json(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer))
                #expect(profile[keys: "consent", "email_marketing", "status"] == "granted")
                #expect(profile[keys: "consent", "personalization"] == nil)
                #expect(try await client.execute(uri: "/v1/consent", method: .post).status == .unauthorized)
            }
        }
    }
}
