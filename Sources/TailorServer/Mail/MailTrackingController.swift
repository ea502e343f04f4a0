import Foundation
import Hummingbird
import Logging
import NIOCore
import TailorEngine

/// The links in the mail Tailor sends (see ``TrackingLinks``):
/// - `GET /t/o/<token>`: the open pixel, a 1×1 transparent GIF; records `Email Opened`;
/// - `GET /t/c/<token>?u=<target>`: records `Email Clicked` and redirects (302) to the signed target;
/// - `GET /t/u/<token>`: a small preference page (unsubscribe / resubscribe form);
/// - `POST /t/u/<token>`: RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click`), or the
///   page's form (`action=unsubscribe|resubscribe`); records `Unsubscribed`.
///
/// A malformed or tampered token, or a changed click target, is a 400: the server never redirects to a
/// URL it did not sign. A failure to record an open or a click still answers the pixel or the redirect
/// (the person should not see our trouble); it is logged without personal data.
struct MailTrackingController: Sendable {
    let engagement: MailEngagement
    let logger = Logger(label: "tailor.mail.tracking")

    /// GIF89a, 1×1, one transparent pixel.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]

    func addRoutes(to router: Router<TailorRequestContext>) {
        router.get("/t/o/:token") { request, context in
            let token = try self.verify(try context.parameters.require("token"), .open)
            do {
                try await self.engagement.recordOpen(token, by: Self.requester(request))
            } catch {
                self.logger.error("could not record an open", metadata: ["error": "\(error)"])
            }
            return Response(status: .ok, headers: [.contentType: "image/gif", .cacheControl: "no-store, max-age=0"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.pixel)))
        }
        router.get("/t/c/:token") { request, context in
            guard let target = request.uri.queryParameters.get("u") else {
                throw APIError(.badRequest, code: "invalid_link", message: "the link has no target")
            }
            let token = try self.verify(try context.parameters.require("token"), .click, target: target)
            let lower = target.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !target.contains(where: { $0.isNewline }) else {
                throw APIError(.badRequest, code: "invalid_link", message: TrackingLinkError.badTarget.description)
            }
            do {
                try await self.engagement.recordClick(token, target: target, by: Self.requester(request))
            } catch {
                self.logger.error("could not record a click", metadata: ["error": "\(error)"])
            }
            return Response(status: .found, headers: [.location: target, .cacheControl: "no-store"])
        }
        router.get("/t/u/:token") { request, context in
            let token = try self.verify(try context.parameters.require("token"), .unsubscribe)
            let entry = try await self.known { try await self.engagement.suppression(for: token) }
            return Self.page(state: entry == nil ? .subscribed : (entry!.reason == .unsubscribe ? .unsubscribed : .blocked))
        }
        router.post("/t/u/:token") { request, context in
            let token = try self.verify(try context.parameters.require("token"), .unsubscribe)
            let body = String(buffer: try await request.collectBody(upTo: 16_384))
            let requester = Self.requester(request)
            // RFC 8058: the body is `List-Unsubscribe=One-Click`, form-urlencoded or multipart/form-data.
            if body.contains("List-Unsubscribe=One-Click") || (body.contains("List-Unsubscribe") && body.contains("One-Click")) {
                try await self.known { try await self.engagement.unsubscribe(token, method: "one-click", by: requester) }
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "unsubscribed\n")))
            }
            switch Self.formValue("action", in: body) {
            case "unsubscribe":
                try await self.known { try await self.engagement.unsubscribe(token, method: "preferences", by: requester) }
                return Self.page(state: .unsubscribed)
            case "resubscribe":
                let allowed = try await self.known { try await self.engagement.resubscribe(token, by: requester) }
                return Self.page(state: allowed ? .subscribed : .blocked)
            default:
                throw APIError(.badRequest, code: "invalid_form", message: "expected List-Unsubscribe=One-Click or action=unsubscribe|resubscribe")
            }
        }
    }

    func verify(_ text: String, _ purpose: TrackingLinks.Purpose, target: String? = nil) throws -> TrackingToken {
        do {
            return try engagement.links.verify(text, purpose, target: target)
        } catch let error as TrackingLinkError {
            throw APIError(.badRequest, code: "invalid_link", message: error.description)
        }
    }

    /// Runs `body`, turning "no such message" into a 404.
    func known<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as MailEngagementError {
            throw APIError(.notFound, code: "unknown_message", message: error.description)
        }
    }

    /// The client's address: the first `X-Forwarded-For` hop, else `X-Real-IP` (Tailor runs behind a proxy).
    static func requester(_ request: Request) -> MailEngagement.Requester {
        let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return MailEngagement.Requester(userAgent: request.headers[.userAgent], address: forwarded ?? request.headers[.init("X-Real-IP")!])
    }

    /// The value of a field in an `application/x-www-form-urlencoded` body.
    static func formValue(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    enum PageState { case subscribed, unsubscribed, blocked }

    /// The page's only style, inline; its Content-Security-Policy allows exactly this text (by hash).
    static let style = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}\n"
        + "button{font-size:1rem;padding:.5rem 1rem}"
    static let headers = SecurityHeaders.preferencePage(style: style)

    /// The preference page: no personal data on it, one form posting back to the same URL.
    static func page(state: PageState) -> Response {
        let (message, action, button): (String, String?, String?) = switch state {
        case .subscribed: ("You are subscribed to these emails.", "unsubscribe", "Unsubscribe")
        case .unsubscribed: ("You are unsubscribed: you will not receive these emails any more.", "resubscribe", "Subscribe again")
        case .blocked: ("This address cannot receive these emails (it bounced or reported a message as spam).", nil, nil)
        }
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Email preferences</title>
            <style>\(style)</style></head>
            <body><h1>Email preferences</h1><p>\(message)</p>
            """
        if let action, let button {
            html += #"<form method="post"><input type="hidden" name="action" value="\#(action)"><button type="submit">\#(button)</button></form>"#
        }
        html += "</body></html>\n"
        var headers = Self.headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
