import Foundation
import Hummingbird
import NIOCore
import TailorEngine

/// `GET /t/v/<token>`: a campaign's or journey's email in a browser (`view_in_browser_url`), rendered again
/// for the recipient the signed token names. A malformed or tampered token is a 400; a campaign or profile that is
/// gone is a 404.
struct EmailWebVersionController: Sendable {
    let links: TrackingLinks
    let campaigns: CampaignService
    let journeys: JourneyService
    let settings: CampaignSettings

    func addRoutes(to router: Router<TailorRequestContext>) {
        router.get("/t/v/:token") { _, context in
            let token: TrackingToken
            do {
                token = try links.verify(try context.parameters.require("token"), .view)
            } catch let error as TrackingLinkError {
                throw APIError(.badRequest, code: "invalid_link", message: error.description)
            }
            let email: RenderedEmail
            if let campaign = token.campaign {
                email = try await campaigns.webVersion(campaign: campaign, profile: token.profileID, variant: token.variant, settings: settings)
            } else if let key = token.messageKey, key.hasPrefix("journey:") {
                email = try await journeys.webVersion(key: key, profile: token.profileID, settings: settings)
            } else {
                throw APIError(.badRequest, code: "invalid_link", message: "the link names no campaign or journey email")
            }
            var headers = SecurityHeaders.emailWebVersion
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            headers[.init("X-Robots-Tag")!] = "noindex"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: email.html)))
        }
    }
}
