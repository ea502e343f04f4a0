import TailorCore
import TailorEngine
import TailorStore

/// The users page: the list with a remove button each, and the form to add one.
enum UserViews {
    struct Draft: Sendable {
        var email = ""
        var role = DashboardRole.viewer
    }

    /// What the page says after a change; the query names one, so no text travels in a link.
    enum Notice: String, Sendable {
        case added, removed

        var message: String { self == .added ? "User added." : "User removed; their sessions are ended." }
    }

    static func page(session: DashboardSession, users: [DashboardUser], draft: Draft, error: DashboardUserError?, notice: Notice?) -> HTML {
        let done: HTML = notice.map { "<p class=\"notice ok\" role=\"status\">\($0.message)</p>" } ?? .empty
        let rows = users.map { user -> HTML in
            let remove: HTML = user.email == session.user.email ? "<span class=\"hint\">you</span>" : """
                <form method="post" action="/app/users/delete">\(session.csrfField)<input type="hidden" name="email" value="\(user.email)">
                  <button type="submit" class="secondary" aria-label="Remove \(user.email)">Remove</button></form>
                """
            return """
                <tr>
                  <td data-label="Email">\(user.email)</td>
                  <td data-label="Role">\(user.role.rawValue)</td>
                  <td data-label="Created">\(DashboardFormat.timeHTML(user.createdAt))</td>
                  <td data-label="Action">\(remove)</td>
                </tr>
                """
        }
        let field = error.map { $0.code == .invalidPassword ? "password" : "email" }
        let message: HTML = error.map { e in
            "<p class=\"notice error\" role=\"alert\" id=\"user-error\">\(e.message.prefix(1).uppercased() + e.message.dropFirst()).</p>"
        } ?? .empty
        func invalid(_ name: String) -> HTML { field == name ? #" aria-invalid="true" aria-describedby="user-error""# : "" }
        let roles = DashboardRole.allCases.reversed().map { role -> HTML in
            let selected: HTML = role == draft.role ? " selected" : ""
            return "<option value=\"\(role.rawValue)\"\(selected)>\(role.rawValue)</option>"
        }
        return DashboardPage.document(title: "Users", session: session, active: .users, main: """
            <h1>Dashboard users</h1>
            \(done)
            <table class="stack">
              <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Action</th></tr></thead>
              <tbody>\(rows)</tbody>
            </table>
            <h2>Add a user</h2>
            <form class="card narrow" method="post" action="/app/users">
              \(session.csrfField)
              \(message)
              <label for="email">Email</label>
              <input id="email" name="email" type="email" required autocomplete="off" value="\(draft.email)"\(invalid("email"))>
              <label for="role">Role</label>
              <select id="role" name="role">\(roles)</select>
              <label for="password">Password <span class="hint">(10 to 72 bytes; tell it to them privately)</span></label>
              <input id="password" name="password" type="password" required autocomplete="new-password"\(invalid("password"))>
              <div class="actions"><button type="submit">Add user</button></div>
            </form>
            """)
    }
}
