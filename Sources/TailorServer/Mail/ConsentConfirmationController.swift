import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TailorEngine

/// The double opt-in confirmation link (``ConfirmationLinks``):
/// - `GET /c/<token>`: a page with one button; following the link records nothing, since mail scanners open
///   links by themselves and a confirmation must be the person's act;
/// - `POST /c/<token>`: the button; records the confirmed grant (``DoubleOptInService/confirm(_:by:)``).
///
/// A forged or malformed link answers 400 and an expired one 410, each with a page that says so. No page shows
/// personal data.
struct ConsentConfirmationController: Sendable {
    let service: DoubleOptInService

    func addRoutes(to router: Router<TailorRequestContext>) {
        router.get("/c/:token") { _, context in
            do {
                _ = try self.service.check(try context.parameters.require("token"))
                return Self.page(.ask)
            } catch let error as ConfirmationLinkError {
                return Self.page(.refused(error))
            }
        }
        router.post("/c/:token") { request, context in
            let requester = MailEngagement.Requester(userAgent: request.headers[.userAgent],
                                                     address: AuthFailureGuard.clientAddress(peer: context.remoteAddress, headers: request.headers))
            do {
                return Self.page(.done(try await self.service.confirm(try context.parameters.require("token"), by: requester)))
            } catch let error as ConfirmationLinkError {
                return Self.page(.refused(error))
            }
        }
    }

    enum PageState {
        case ask
        case done(DoubleOptInService.Outcome)
        case refused(ConfirmationLinkError)
    }

    static func page(_ state: PageState) -> Response {
        let (status, message, form): (HTTPResponse.Status, String, Bool) = switch state {
        case .ask: (.ok, "Please confirm that you want to receive our emails.", true)
        case .done(.confirmed): (.ok, "Thank you: your subscription is confirmed.", false)
        case .done(.alreadyConfirmed): (.ok, "Your subscription was confirmed already.", false)
        case .done(.notPending): (.ok, "There is nothing to confirm any more: your choice changed after this email was sent.", false)
        case .refused(.expired): (.gone, "This confirmation link has expired. Subscribe again to receive a new one.", false)
        case .refused: (.badRequest, "This confirmation link is not valid. Check that you opened the whole link from the email.", false)
        }
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Confirm your subscription</title>
            <style>\(MailTrackingController.style)</style></head>
            <body><h1>Confirm your subscription</h1><p>\(message)</p>
            """
        if form { html += #"<form method="post"><button type="submit">Confirm my subscription</button></form>"# }
        html += "</body></html>\n"
        var headers = MailTrackingController.headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
