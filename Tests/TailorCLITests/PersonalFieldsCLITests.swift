import Foundation
import Testing

@Suite("tailor and TAILOR_PERSONAL_FIELDS")
struct PersonalFieldsCLITests {
    @Test("a field named in TAILOR_PERSONAL_FIELDS is sealed at rest and cannot be segmented on; without it, it is plain")
    func personalFieldsAreSealed() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "Customer ID,City,Loyalty-Card\nc1,Porto,LC-778899\n"
        try csv.write(to: dir.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
        func raw(_ name: String) throws -> String {
            var data = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix(name) {
                data.append(try Data(contentsOf: dir.appendingPathComponent(file)))
            }
            return String(decoding: data, as: UTF8.self)
        }
        for (name, sealed) in [("sealed.db", true), ("plain.db", false)] {
            var env = ["TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent(name).path]
            if sealed { env["TAILOR_PERSONAL_FIELDS"] = "loyalty_card, vat number" }
            let imported = try await tailor(["import", "customers", "customers.csv", "--map", "Customer ID=user_id"], in: dir, environment: env)
            #expect(imported.status == 0, "\(imported.stderr)")
            let text = try raw(name)
            #expect(text.contains("Porto"))
            #expect(text.contains("LC-778899") == !sealed, "\(name)")
            let segment = try await tailor(["segment", "create", "Cards", "--where", #"traits.loyalty_card exists"#], in: dir, environment: env)
            #expect((segment.status != 0) == sealed, "\(name): \(segment.stderr)")
            if sealed { #expect(segment.stderr.contains("personal data")) }
        }
    }
}
