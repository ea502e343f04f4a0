/// The sign-in page.
enum SignInView {
    static func page(notice: SignInNotice?, email: String, csrf: String, firstRun: Bool) -> HTML {
        let message: HTML = notice.map { n in
            n.isError
                ? "<p class=\"notice error\" role=\"alert\" id=\"sign-in-error\">\(n.message)</p>"
                : "<p class=\"notice\" role=\"status\">\(n.message)</p>"
        } ?? .empty
        let described: HTML = notice == .failed ? #" aria-describedby="sign-in-error" aria-invalid="true""# : ""
        let first: HTML = firstRun ? """
            <div class="card narrow" id="first-user">
              <h2>No one can sign in yet</h2>
              <p>Create the first user on the machine that runs Tailor, with the same database settings as <code>tailor serve</code>:</p>
              <pre><code>tailor users create you@example.com --role admin</code></pre>
              <p class="hint">It asks for the password (or reads it from standard input with <code>--password-stdin</code>).</p>
            </div>
            """ : .empty
        return DashboardPage.document(title: "Sign in", main: """
            <h1>Sign in to Tailor</h1>
            \(message)
            \(first)
            <form class="card narrow" method="post" action="/app/sign-in">
              <input type="hidden" name="csrf_token" value="\(csrf)">
              <label for="email">Email</label>
              <input id="email" name="email" type="email" autocomplete="username" required autofocus value="\(email)"\(described)>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required\(described)>
              <div class="actions"><button type="submit">Sign in</button></div>
            </form>
            """)
    }
}
