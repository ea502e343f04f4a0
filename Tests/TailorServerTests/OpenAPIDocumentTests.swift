import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorServer
import TailorStore
import TailorTesting

/// `/openapi.json` is kept true: every route the server's sources register is documented, and every documented
/// operation reaches a route (never Hummingbird's bare "no route" 404 or a 405) and never a 5xx.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let serverSources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TailorServer")

    /// `METHOD /path/{param}` of every route registered in the server's sources (the tracking routes per message type),
    /// but the dashboard's under `/app`.
    static func registeredRoutes() throws -> Set<String> {
        var out: Set<String> = []
        let regex = try NSRegularExpression(pattern: #"\brouter\.(get|post|put|patch|delete)\("([^"]+)""#)
        let files = FileManager.default.enumerator(atPath: serverSources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        for file in files {
            let text = try String(contentsOf: serverSources.appendingPathComponent(file), encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                let path = String(text[Range(match.range(at: 2), in: text)!])
                // The dashboard's HTML pages (and the builder's check) are not the HTTP API: docs/DASHBOARD.md.
                if path == "/app" || path.hasPrefix("/app/") { continue }
                let paths = path.contains("\\(type.rawValue)") ? MessageType.allCases.map { path.replacingOccurrences(of: "\\(type.rawValue)", with: $0.rawValue) } : [path]
                for p in paths {
                    let normalized = p.split(separator: "/", omittingEmptySubsequences: false)
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                    out.insert("\(method) \(normalized)")
                }
            }
        }
        return out
    }

    static func documented() throws -> (JSONValue, Set<String>) {
        let doc = try JSONParser.parse(Array(try fetchDocumentText().utf8))
        var ops: Set<String> = []
        guard case .object(let paths)? = doc[path: "paths"] else { return (doc, []) }
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for method in methods.keys { ops.insert("\(method.uppercased()) \(path)") }
        }
        return (doc, ops)
    }

    static func fetchDocumentText() throws -> String {
        let source = try String(contentsOf: serverSources.appendingPathComponent("OpenAPI/OpenAPIDocument.swift"), encoding: .utf8)
        guard let start = source.range(of: "#\"\"\"\n"), let end = source.range(of: "\n\"\"\"#", options: .backwards) else { return "" }
        return String(source[start.upperBound..<end.lowerBound])
    }

    @Test func everyRouteIsDocumentedAndEveryOperationIsARoute() throws {
        let (doc, ops) = try Self.documented()
        #expect(doc[path: "openapi"] == "3.1.0")
        let routes = try Self.registeredRoutes()
        #expect(routes.count > 30)
        #expect(routes.subtracting(ops).isEmpty, "registered but not documented: \(routes.subtracting(ops).sorted())")
        #expect(ops.subtracting(routes).isEmpty, "documented but not registered: \(ops.subtracting(routes).sorted())")
    }

    @Test func theServerServesItAndEveryOperationAnswers() async throws {
        try await TestDatabase.with(.sqlite) { test in
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
            settings.mailTracking = MailEngagement(store: test.stores.mail, links: links)
            settings.campaigns = .preview
            settings.doubleOptIn = DoubleOptInService.Options(policy: EmailConsentPolicy(.doubleOptIn), links: ConfirmationLinks(links),
                                                              from: try MailAddress("news@shop.test"))
            let app = Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database),
                                                      metrics: PrometheusCollectorRegistry()))
            try await app.test(.router) { client in
                let served = try await client.execute(uri: "/openapi.json", method: .get)
                #expect(served.status == .ok)
                let doc = try json(served)
                #expect(doc[path: "openapi"] == "3.1.0" && doc[path: "info.title"] == "Tailor")
                let (_, ops) = try Self.documented()
                for op in ops.sorted() {
                    let parts = op.split(separator: " ", maxSplits: 1).map(String.init)
                    let uri = parts[1].replacingOccurrences(of: "{id}", with: "user:u1").replacingOccurrences(of: "{name}", with: "x")
                        .replacingOccurrences(of: "{profile}", with: "user:u1").replacingOccurrences(of: "{token}", with: "bad")
                    var headers = bearer
                    if parts[1].hasPrefix("/v1/") && ["identify", "track", "page", "screen", "group", "alias", "batch", "import"]
                        .contains(String(parts[1].dropFirst(4))) {
                        headers = [.authorization: "Basic " + Data("\(writeKey):".utf8).base64EncodedString()]
                    }
                    headers[.contentType] = "application/json"
                    let r = try await client.execute(uri: uri, method: HTTPRequest.Method(parts[0])!, headers: headers, body: ByteBuffer(string: "{}"))
                    let body = String(buffer: r.body)
                    #expect(r.status.code < 500, "\(op): \(r.status)")
                    #expect(r.status != .methodNotAllowed, "\(op)")
                    #expect(!(r.status == .notFound && !body.contains("\"code\"")), "\(op) reached no route")
                }
            }
        }
    }
}
