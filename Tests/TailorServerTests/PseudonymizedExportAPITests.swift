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

/// `GET /v1/segments/{id}/members?format=csv&pseudonymize=true`, and the members of a behaviour-based segment
/// leaving out who refused personalization.
@Suite("Pseudonymized segment export")
struct PseudonymizedExportAPITests {
    @Test(arguments: TestBackend.available)
    func membersExportWithKeyedPseudonymsAndWithoutWhoRefusedPersonalization(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let key = FieldCipher.generateMasterKey()
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            settings.pseudonymizer = Pseudonymizer(masterKey: key)
            let app = Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database)))
            try await app.test(.router) { client in
                let batch = #"{"batch":[{"type":"identify","userId":"u1","traits":{"email":"ann@example.test","plan":"gold"},"messageId":"i1"},"#
                    + #"{"type":"identify","userId":"u2","traits":{"email":"bo@example.test","plan":"gold"},"messageId":"i2"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)
                for (name, condition) in [("Gold", #"traits.plan = \"gold\""#), ("Seen", "profile.event_count >= 1")] {
                    let body = #"{"name":"\#(name)","where":"\#(condition)"}"#
                    var headers = bearer
                    headers[.contentType] = "application/json"
                    let r = try await client.execute(uri: "/v1/segments", method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect(r.status == .created, "\(String(buffer: r.body))")
                }
                let consent = #"{"profile":"user:u2","purpose":"personalization","status":"denied"}"#
                #expect(try await client.execute(uri: "/v1/consent", method: .post, headers: bearer, body: ByteBuffer(string: consent)).status.code < 300)
                let ann = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
                let bo = try #require(try await test.database.profile(ProfileReference("user:u2")!)).id
                let pseudonyms = Pseudonymizer(masterKey: key)

                let csv = try await client.execute(uri: "/v1/segments/gold/members?format=csv&pseudonymize=true", method: .get, headers: bearer)
                #expect(csv.status == .ok)
                let lines = String(buffer: csv.body).split(separator: "\n").map(String.init)
                #expect(lines.first == "pseudonym")
                #expect(Set(lines.dropFirst()) == [pseudonyms.pseudonym(ann.rawValue), pseudonyms.pseudonym(bo.rawValue)])

                // Bo refused personalization: out of the segment that reads behaviour, in JSON and CSV.
                let seen = try json(try await client.execute(uri: "/v1/segments/seen/members", method: .get, headers: bearer))
                #expect(seen[path: "members"]?.arrayValue?.compactMap { $0[path: "profile_id"]?.stringValue } == [ann.rawValue])
                let seenCSV = try await client.execute(uri: "/v1/segments/seen/members?format=csv", method: .get, headers: bearer)
                #expect(String(buffer: seenCSV.body).contains(ann.rawValue) && !String(buffer: seenCSV.body).contains(bo.rawValue))

                // A preview for him renders as his email would: without his model traits.
                try await test.stores.computedTraits.writeComputedTraits([ComputedTrait(profileId: ann, name: "cluster", number: 4),
                                                                          ComputedTrait(profileId: bo, name: "cluster", number: 4)], at: Date())
                let template = #"{"name":"c","subject":"Hi","html":"<p>cluster [{{ computed.cluster }}]</p>"}"#
                #expect(try await client.execute(uri: "/v1/templates", method: .post, headers: bearer, body: ByteBuffer(string: template)).status == .created)
                let annPreview = try await client.execute(uri: "/v1/templates/c/preview?profile=user:u1", method: .get, headers: bearer)
                let boPreview = try await client.execute(uri: "/v1/templates/c/preview?profile=user:u2", method: .get, headers: bearer)
                #expect(String(buffer: annPreview.body).contains("cluster [4]"), "\(String(buffer: annPreview.body))")
                #expect(String(buffer: boPreview.body).contains("cluster []"), "\(String(buffer: boPreview.body))")

                let bad = try await client.execute(uri: "/v1/segments/gold/members?format=csv&pseudonymize=yes", method: .get, headers: bearer)
                #expect(try bad.status == .badRequest && json(bad)[path: "error.path"] == "pseudonymize", "\(String(buffer: bad.body))")
            }
        }
    }
}
