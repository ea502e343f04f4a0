import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app/users`: admins list, add and remove dashboard users (as `tailor users` does on the command line).
struct UserPagesController: Sendable {
    let gate: DashboardGate

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/users") { request, _ in
            let session = try await gate.session(request, may: .manageUsers)
            let notice = request.uri.queryParameters.get("done").flatMap(UserViews.Notice.init(rawValue:))
            return DashboardPage.response(UserViews.page(session: session, users: try await gate.service.users(), draft: .init(), error: nil,
                                                         notice: notice))
        }
        router.post("/app/users") { request, _ in
            let (session, form) = try await gate.post(request, may: .manageUsers)
            // The form's select offers only the three roles: anything else did not come from it.
            guard let role = form["role"].flatMap(DashboardRole.init(rawValue:)) else {
                throw DashboardError.badRequest("Choose a role: admin, marketer or viewer.")
            }
            let draft = UserViews.Draft(email: form["email"] ?? "", role: role)
            do {
                try await gate.service.createUser(email: draft.email, role: role, password: form["password"] ?? "")
                return DashboardPage.redirect("/app/users?done=added")
            } catch let error as DashboardUserError {
                let page = UserViews.page(session: session, users: try await gate.service.users(), draft: draft, error: error, notice: nil)
                return DashboardPage.response(page, status: error.code == .exists ? .conflict : .unprocessableContent)
            }
        }
        router.post("/app/users/delete") { request, _ in
            let (session, form) = try await gate.post(request, may: .manageUsers)
            let email = form["email"] ?? ""
            // Removing oneself could leave no admin; another admin can do it, or `tailor users delete`.
            guard DashboardService.normalizedEmail(email) != session.user.email else {
                throw DashboardError.forbidden("You cannot remove your own account here. Another admin can, or tailor users delete.")
            }
            do {
                try await gate.service.deleteUser(email: email)
            } catch let error as DashboardUserError {
                throw DashboardError.notFound(error.message.prefix(1).uppercased() + error.message.dropFirst() + ".")
            }
            return DashboardPage.redirect("/app/users?done=removed")
        }
    }
}
