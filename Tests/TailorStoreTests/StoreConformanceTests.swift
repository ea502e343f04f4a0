import Foundation
import Testing
import TailorCore
import TailorStore
import TailorTesting

/// The same behaviour, asserted on every backend.
@Suite("Store conformance")
struct StoreConformanceTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
    let planner = IngestPlanner()

    @Test(arguments: TestBackend.available)
    func migrationsAreNamedAndIdempotent(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let again = try await test.database.migrate()
            #expect(again.isEmpty)
            #expect(try await test.database.counts() == StoreCounts(profiles: 0, events: 0, products: 0, merges: 0))
        }
    }

    @Test(arguments: TestBackend.available)
    func ingestThenReadByEveryReference(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let result = try await db.ingest([
                .identify(userId: "u1", anonymousId: "a1", traits: ["email": "Ann@Example.com", "first_name": "Ann", "city": "New York", "age": 34],
                          at: t0, messageId: "m1"),
                .track("Product Added", userId: "u1", properties: ["product_id": "sku1", "price": 30, "quantity": 2], at: t0 + 60, messageId: "m2"),
                .track("Order Completed", userId: "u1", properties: ["revenue": 99.5, "order_id": "o1"], at: t0 + 120, messageId: "m3"),
                .track("Email Opened", userId: "u1", at: t0 + 180, messageId: "m4"),
            ], planner: planner)
            #expect(result == IngestResult(stored: 4, duplicates: 0, createdProfiles: 1, merges: 0))

            let byUser = try #require(try await db.profile(.identity(Identity(.user, "u1"))))
            let byEmail = try #require(try await db.profile(ProfileReference("email:ann@example.com")!))
            let byAnon = try #require(try await db.profile(ProfileReference("anonymous:a1")!))
            let byId = try #require(try await db.profile(.id(byUser.id)))
            #expect(Set([byUser.id, byEmail.id, byAnon.id, byId.id]).count == 1)
            #expect(byUser.traits["city"] == "New York")
            #expect(byUser.traits["age"] == 34)
            #expect(byUser.traits["email"] == nil)
            #expect(byUser.personal.value["email"] == "Ann@Example.com")
            #expect(byUser.personal.value["first_name"] == "Ann")
            #expect(byUser.state.orderCount == 1)
            #expect(byUser.state.revenue == 99.5)
            #expect(byUser.state.cart.isEmpty)
            #expect(byUser.state.emailOpens == 1)
            #expect(byUser.state.firstSeen == t0)
            #expect(byUser.state.lastSeen == t0 + 180)
            #expect(byUser.eventCounts == ["identify": 1, "Product Added": 1, "Order Completed": 1, "Email Opened": 1])
            #expect(byUser.identities.contains(Identity(.user, "u1")))
            #expect(try await db.profile(ProfileReference("user:nobody")!) == nil)
            // A later batch without traits updates the state and leaves the traits as they were.
            _ = try await db.ingest([.track("Email Clicked", userId: "u1", at: t0 + 240, messageId: "m5")], planner: planner)
            let later = try #require(try await db.profile(ProfileReference("user:u1")!))
            #expect(later.state.emailClicks == 1)
            #expect(later.traits == byUser.traits)
            #expect(later.personal.value == byUser.personal.value)
        }
    }

    @Test(arguments: TestBackend.available)
    func eventsRoundTripAndPaginate(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            var messages: [Message] = []
            for i in 0..<25 {
                var m = Message.track("Product Viewed", userId: "u", properties: ["product_id": .string("p\(i)"), "email": "x@y.z"],
                                      at: t0 + Double(i), messageId: "e\(i)")
                m.context = ["ip": "10.0.0.1", "userAgent": "test"]
                messages.append(m)
            }
            _ = try await db.ingest(messages, planner: planner)
            let id = try #require(try await db.profile(ProfileReference("user:u")!)).id
            let page1 = try await db.events(of: id, before: nil, limit: 10)
            #expect(page1.map(\.message.messageId) == (15..<25).reversed().map { "e\($0)" })
            let page3 = try await db.events(of: id, before: try await db.events(of: id, before: page1.last!.sequence, limit: 10).last!.sequence, limit: 10)
            #expect(page3.count == 5)
            let e = page1[0].message
            #expect(e.properties["product_id"] == "p24")
            #expect(e.properties["email"] == "x@y.z")
            #expect(e.context["ip"] == "10.0.0.1")
            #expect(e.timestamp == t0 + 24)
            #expect(e.event == "Product Viewed")
        }
    }

    @Test(arguments: TestBackend.available)
    func resentMessagesAreStoredOnce(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let batch: [Message] = (0..<10).map { .track("Order Completed", userId: "u", properties: ["revenue": 10], at: t0 + Double($0), messageId: "o\($0)") }
            let first = try await test.database.ingest(batch, planner: planner)
            let second = try await test.database.ingest(batch + batch, planner: planner)
            #expect(first.stored == 10)
            #expect(second.stored == 0)
            #expect(second.duplicates == 20)
            let p = try #require(try await test.database.profile(ProfileReference("user:u")!))
            #expect(p.state.orderCount == 10)
            #expect(try await test.database.counts().events == 10)
        }
    }

    @Test(arguments: TestBackend.available)
    func mergeKeepsEveryEventAndRedirects(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            _ = try await db.ingest([.identify(userId: "u1", traits: ["email": "m@x.io", "plan": "pro"], at: t0, messageId: "1"),
                                     .track("Order Completed", userId: "u1", properties: ["revenue": 10], at: t0 + 1, messageId: "2")], planner: planner)
            _ = try await db.ingest([.track("Product Added", anonymousId: "anon", properties: ["product_id": "s", "price": 70], at: t0 + 2, messageId: "3")],
                                    planner: planner)
            let anonId = try #require(try await db.profile(ProfileReference("anonymous:anon")!)).id
            let r = try await db.ingest([.identify(anonymousId: "anon", traits: ["email": "M@x.io", "plan": "free"], at: t0 + 3, messageId: "4")],
                                        planner: planner)
            #expect(r.merges == 1)
            let survivor = try #require(try await db.profile(ProfileReference("user:u1")!))
            #expect(survivor.state.orderCount == 1)
            #expect(survivor.state.cartValue == 70)
            #expect(survivor.state.eventCount == 4)
            #expect(survivor.traits["plan"] == "free")
            #expect(try await db.events(of: survivor.id, before: nil, limit: 100).count == 4)
            let redirected = try #require(try await db.profile(.id(anonId)))
            #expect(redirected.id == survivor.id)
            let merges = try await db.merges(into: survivor.id)
            #expect(merges.map(\.from) == [anonId])
            #expect(try await db.counts().profiles == 1)
        }
    }

    /// Arrival order never changes the state, and the incremental state equals `rebuildProfiles`.
    @Test(arguments: TestBackend.available)
    func stateFollowsTimestampsWhateverTheArrivalOrder(backend: TestBackend) async throws {
        var rng = SystemRandomNumberGenerator()
        var history: [Message] = []
        for i in 0..<120 {
            let t = t0 + Double(Int.random(in: 0..<86_400, using: &rng))
            let user = "u\(i % 3)"
            switch i % 6 {
            case 0: history.append(.track("Order Completed", userId: user, properties: ["revenue": .number(Double(i))], at: t, messageId: "x\(i)"))
            case 1: history.append(.track("Product Removed", userId: user, properties: ["product_id": .string("p\(i % 4)")], at: t, messageId: "x\(i)"))
            case 2: history.append(.identify(userId: user, traits: ["tier": .number(Double(i))], at: t, messageId: "x\(i)"))
            default: history.append(.track("Product Added", userId: user, properties: ["product_id": .string("p\(i % 4)"), "price": .number(Double(i))],
                                           at: t, messageId: "x\(i)"))
            }
        }
        var states: [[String: ProfileState]] = []
        for round in 0..<3 {
            let arrival = round == 0 ? history.sorted { EventKey($0) < EventKey($1) } : history.shuffled()
            let state = try await TestDatabase.with(backend) { test in
                var i = 0
                while i < arrival.count {
                    let n = Int.random(in: 1...15)
                    _ = try await test.database.ingest(Array(arrival[i..<min(i + n, arrival.count)]), planner: planner)
                    i += n
                }
                var live: [String: ProfileState] = [:]
                for u in 0..<3 { live["u\(u)"] = try await test.database.profile(ProfileReference("user:u\(u)")!)!.state }
                _ = try await test.database.rebuildProfiles(progress: nil)
                for u in 0..<3 {
                    let rebuilt = try await test.database.profile(ProfileReference("user:u\(u)")!)!.state
                    #expect(rebuilt == live["u\(u)"], "user u\(u): incremental state differs from a rebuild")
                }
                return live
            }
            states.append(state)
        }
        #expect(states[1] == states[0])
        #expect(states[2] == states[0])
    }

    @Test(arguments: TestBackend.available)
    func productsUpsert(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            try await db.upsertProducts([Product(id: "a", name: "Mug", category: "home", price: 9.5),
                                         Product(id: "b", name: "Tee", category: "apparel", price: 20, inStock: false, attributes: ["size": "M"])])
            try await db.upsertProducts([Product(id: "a", name: "Blue mug", category: "home", price: 11)])
            let all = try await db.products()
            #expect(all.map(\.id) == ["a", "b"])
            #expect(all[0].name == "Blue mug")
            #expect(all[0].price == 11)
            #expect(try await db.product(id: "b")?.inStock == false)
            #expect(try await db.product(id: "b")?.attributes == ["size": "M"])
        }
    }

    @Test(arguments: TestBackend.available)
    func wrongKeyCannotReadPersonalData(backend: TestBackend) async throws {
        let other = FieldCipher(masterKey: FieldCipher.generateMasterKey())
        let sealed = try other.seal(Array("secret".utf8))
        let cipher = FieldCipher(masterKey: FieldCipher.generateMasterKey())
        #expect(throws: StoreError.self) { try cipher.open(sealed) }
        #expect(try other.open(sealed) == Array("secret".utf8))
        #expect(cipher.blindIndex("a@b.c") == cipher.blindIndex("a@b.c"))
        #expect(cipher.blindIndex("a@b.c") != other.blindIndex("a@b.c"))
    }
}

@Suite("SQLite at rest")
struct SQLiteAtRestTests {
    @Test func rawFileHoldsNoPlaintextPersonalData() async throws {
        try await TestDatabase.with(.sqlite) { test in
            var m = Message.identify(userId: "u1", traits: ["email": "Plaintext.Person@example.org", "first_name": "Zebulon", "phone": "+1-555-0100", "city": "Paris"],
                                     at: Date(), messageId: "1")
            m.context = ["ip": "203.0.113.77"]
            _ = try await test.database.ingest([m], planner: IngestPlanner())
            try await test.database.close()
            let dir = (test.sqlitePath! as NSString).deletingLastPathComponent
            var raw = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: dir) {
                raw.append(try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(file)))
            }
            let text = String(decoding: raw, as: UTF8.self).lowercased()
            #expect(text.contains("paris"), "the plain trait should be there: the test reads the right file")
            for secret in ["plaintext.person@example.org", "zebulon", "555-0100", "203.0.113.77"] {
                #expect(!text.contains(secret), "found personal data in clear in the database file")
            }
        }
    }

    @Test("fields personal by a variant name or by an email-shaped value are sealed too")
    func variantNamesAndEmailValuesAreSealed() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let traits: JSONObject = ["Email": "Variant.Person@example.org", "phone_number": "+1-555-0199", "full_name": "Quintus Variant",
                                      "postal_address": "12 Hidden Lane", "contact": "second.person@example.org", "city": "Lisbon"]
            let properties: JSONObject = ["customer_email": "third.person@example.org", "shipping_address": "9 Secret Road", "total": 5]
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: traits, at: Date(), messageId: "1"),
                .track("Order Completed", userId: "u1", properties: properties, at: Date(), messageId: "2"),
            ], planner: IngestPlanner())
            let view = try #require(try await test.database.profile(ProfileReference("user:u1")!))
            #expect(view.traits["city"] == "Lisbon")
            #expect(view.personal.value["Email"] == "Variant.Person@example.org")
            #expect(view.personal.value["contact"] == "second.person@example.org")
            #expect(view.traits["Email"] == nil && view.traits["full_name"] == nil)
            let order = try #require(try await test.database.events(of: view.id, before: nil, limit: 1).first?.message)
            #expect(order.properties["customer_email"] == "third.person@example.org")
            try await test.database.close()
            let dir = (test.sqlitePath! as NSString).deletingLastPathComponent
            var raw = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: dir) {
                raw.append(try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(file)))
            }
            let text = String(decoding: raw, as: UTF8.self).lowercased()
            #expect(text.contains("lisbon"), "the plain trait should be there: the test reads the right file")
            for secret in ["variant.person@example.org", "555-0199", "quintus", "hidden lane", "second.person", "third.person", "secret road"] {
                #expect(!text.contains(secret), "found personal data in clear: \(secret)")
            }
        }
    }

    @Test func keyFileIsCreatedPrivateAndReused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("k-\(UUID().uuidString)/tailor.key").path
        let (k1, created) = try MasterKeySource.load(base64: nil, keyFile: path)
        #expect(created)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let (k2, createdAgain) = try MasterKeySource.load(base64: nil, keyFile: path)
        #expect(!createdAgain)
        #expect(k1 == k2)
        #expect(throws: StoreError.self) { try MasterKeySource.load(base64: "c2hvcnQ=", keyFile: path) }
    }
}
