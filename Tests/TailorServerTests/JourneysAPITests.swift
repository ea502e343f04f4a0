import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorServer
import TailorStore
import TailorTesting

/// `/v1/journeys` as a client uses it: created from a seed template and from a definition, refused with the
/// place of the error, runs counted once carts come in through the tracking API, and the lifecycle moves.
@Suite("Journeys API")
struct JourneysAPITests {
    @Test(arguments: TestBackend.available)
    func journeysAreCreatedFollowedAndMoved(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                func post(_ uri: String, _ body: String = "{}") async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .post, headers: bearer, body: ByteBuffer(string: body))
                }
                let created = try await post("/v1/journeys", #"{"name":"Carts","from_template":"abandoned-cart","params":{"wait":"10m"}}"#)
                #expect(created.status == .created)
                let body = try json(created)
                #expect(body[path: "id"] == "carts" && body[path: "state"] == "active")
                #expect(body[keys: "definition", "trigger", "within"] == "10m")
                #expect(body[keys: "counts", "waiting_at_step"] == [0])

                let defined = try await post("/v1/journeys", #"""
                    {"name":"Thanks","definition":{"trigger":{"event":"Order Completed"},"steps":[{"wait":"1d"},{"send":{"template":"abandoned-cart"}}]}}
                    """#)
                #expect(defined.status == .created)
                // Refused, each with its place: a bad duration, an unknown template, a taken name, a bad parameter, no definition.
                let badWait = try await post("/v1/journeys", #"{"name":"X","definition":{"trigger":{"event":"A"},"steps":[{"wait":"5 min"}]}}"#)
                #expect(try badWait.status == .unprocessableContent && json(badWait)[keys: "error", "path"] == "steps[0].wait")
                let noTemplate = try await post("/v1/journeys", #"{"name":"Y","definition":{"trigger":{"event":"A"},"steps":[{"send":{"template":"nope"}}]}}"#)
                #expect(try noTemplate.status == .notFound && json(noTemplate)[keys: "error", "path"] == "steps[0].send.template")
                #expect(try await post("/v1/journeys", #"{"name":"Carts","from_template":"abandoned-cart"}"#).status == .conflict)
                let badParam = try await post("/v1/journeys", #"{"name":"Z","from_template":"welcome","params":{"wait":7}}"#)
                #expect(try badParam.status == .badRequest && json(badParam)[keys: "error", "path"] == "params.wait")
                #expect(try await post("/v1/journeys", #"{"name":"Nothing"}"#).status == .badRequest)
                #expect(try await post("/v1/journeys", #"{"name":"Q","from_template":"unknown"}"#).status == .notFound)

                // Two carts through the tracking API: two runs wait at the first step.
                for u in ["u1", "u2"] {
                    let track = #"{"userId":"\#(u)","event":"Product Added","properties":{"product_id":"p1","price":5},"messageId":"cart-\#(u)"}"#
                    #expect(try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey), body: ByteBuffer(string: track)).status == .ok)
                }
                let shown = try json(try await client.execute(uri: "/v1/journeys/carts", method: .get, headers: bearer))
                #expect(shown[keys: "counts", "waiting_at_step"] == [2])
                let listed = try json(try await client.execute(uri: "/v1/journeys", method: .get, headers: bearer))
                #expect(listed[path: "journeys"]?.arrayValue?.compactMap { $0[path: "id"]?.stringValue } == ["carts", "thanks"])

                #expect(try json(try await post("/v1/journeys/carts/pause"))[path: "state"] == "paused")
                #expect(try json(try await post("/v1/journeys/carts/resume"))[path: "state"] == "active")
                let archived = try json(try await post("/v1/journeys/carts/archive"))
                #expect(archived[path: "state"] == "archived" && archived[keys: "counts", "exited", "archived"] == 2)
                #expect(try await post("/v1/journeys/carts/resume").status == .conflict)
                #expect(try await client.execute(uri: "/v1/journeys/nope", method: .get, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: "/v1/journeys", method: .get).status == .unauthorized)
            }
        }
    }
}
