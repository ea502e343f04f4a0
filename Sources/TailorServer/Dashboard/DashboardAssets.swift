import Hummingbird
import NIOCore

/// The dashboard's stylesheet and its one script, served by Tailor itself (no CDN, no build step).
enum DashboardAssets {
    static func response(_ text: String, type: String) -> Response {
        var headers = DashboardPage.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; --accent: #2456c8; --bad: #b42318; --good: #067647;
                font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.45; }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: var(--accent); }
        :focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
        .skip:focus { left: .5rem; top: .5rem; }
        .top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .6rem 1.25rem; background: var(--ink); color: #fff; }
        .top a, .top .link { color: #fff; }
        .brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; }
        .top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
        .top nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
        .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
        .who form { margin: 0; }
        .role { border: 1px solid #fff8; border-radius: 999px; padding: 0 .5rem; font-size: .8rem; }
        main { max-width: 72rem; margin: 0 auto; padding: 1.25rem; }
        main:focus { outline: none; }
        h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        .narrow { max-width: 30rem; }
        .card > h2:first-child { margin-top: 0; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
        form.inline { display: inline-block; margin: 0.5rem 0.5rem 0 0; }
        .journey-flow { margin: 0 0 1rem; }
        .journey-flow svg { max-width: 100%; height: auto; }
        .journey-flow figcaption ol { margin: 0.5rem 0 0; }
        .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
        table { width: 100%; border-collapse: collapse; background: var(--card); }
        th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
        th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; margin: 0; }
        dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        input[type=text], input[type=email], input[type=password], input[type=search], textarea {
          width: 100%; max-width: 40rem; font: inherit; padding: .5rem .6rem; border: 1px solid #9aa3b2; border-radius: 6px; background: #fff; }
        select { font: inherit; padding: .45rem .5rem; border: 1px solid #9aa3b2; border-radius: 6px; background: #fff; }
        td form { margin: 0; }
        textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; min-height: 8rem; }
        [aria-invalid="true"] { border-color: var(--bad); }
        button, .button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent);
                          color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
        button.secondary { background: #fff; color: var(--accent); }
        button.link { background: none; border: none; padding: 0; text-decoration: underline; }
        .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; align-items: center; }
        .notice { padding: .6rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: #eef4ff; }
        .error { color: var(--bad); border-color: var(--bad); background: #fef3f2; }
        .ok { color: var(--good); }
        .muted, .hint { color: var(--muted); font-size: .9rem; }
        code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
        .search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
        .search label { margin: 0; width: 100%; }
        .search input { flex: 1 1 16rem; }
        .pager { margin-top: .75rem; }
        .range .search > div { flex: 0 1 12rem; }
        .range .search label { margin: 0 0 .25rem; }
        .range input[type=date] { font: inherit; padding: .45rem .5rem; border: 1px solid #9aa3b2; border-radius: 6px; }
        .figures { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); margin-bottom: 1rem; }
        .figure { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; display: flex; flex-direction: column; }
        .figure .label { color: var(--muted); font-size: .85rem; }
        .figure strong { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        .scroll { overflow-x: auto; }
        .scroll th { white-space: nowrap; }
        .chart-card { margin: 0; }
        .chart-card figcaption { font-weight: 600; margin-bottom: .25rem; }
        svg.chart { width: 100%; height: auto; display: block; }
        .progress { width: 100%; max-width: 24rem; height: 1rem; accent-color: var(--accent); }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .75rem 0 0; padding: .5rem .75rem; }
        fieldset label { display: inline-flex; gap: .35rem; align-items: center; font-weight: 400; margin: .25rem 1rem .25rem 0; }
        legend { font-weight: 600; }
        input[type=number] { font: inherit; padding: .45rem .5rem; border: 1px solid #9aa3b2; border-radius: 6px; width: 8rem; }
        @media (max-width: 40rem) {
          main { padding: .75rem; }
          .who { margin-left: 0; width: 100%; justify-content: space-between; }
          table.stack thead { position: absolute; left: -999px; }
          table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
          table.stack td { display: block; border: none; padding: .15rem .6rem; }
          table.stack td::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
          dl { grid-template-columns: 1fr; } dt { margin-top: .4rem; }
        }
        """

    /// The segment builder's live check: after a pause in typing, the condition goes to
    /// `/app/segments/check` and the answer (a count, or the error at line:column) is shown in a live
    /// region. Without it the form still works: the check runs when it is submitted.
    static let builderJS = """
        (function () {
          var form = document.getElementById('segment-form');
          var area = document.getElementById('condition');
          var out = document.getElementById('live-check');
          if (!form || !area || !out || !window.fetch) return;
          var timer = null, seq = 0;
          function check() {
            var mine = ++seq;
            var body = new URLSearchParams();
            body.set('csrf_token', form.elements['csrf_token'].value);
            body.set('condition', area.value);
            fetch('/app/segments/check', { method: 'POST', body: body, credentials: 'same-origin',
                                            headers: { 'Accept': 'application/json' } })
              .then(function (r) { return r.json(); })
              .then(function (j) {
                if (mine !== seq) return;
                if (j.ok) {
                  out.className = 'notice ok';
                  out.textContent = j.count + (j.count === 1 ? ' profile matches now.' : ' profiles match now.');
                  area.removeAttribute('aria-invalid');
                } else {
                  out.className = 'notice error';
                  out.textContent = (j.line ? 'Line ' + j.line + ', column ' + j.column + ': ' : '') + j.message;
                  area.setAttribute('aria-invalid', 'true');
                }
              })
              .catch(function () {});
          }
          area.addEventListener('input', function () {
            clearTimeout(timer);
            timer = setTimeout(check, 400);
          });
        })();
        """
}
