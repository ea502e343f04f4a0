/*! tailor.js 1.0.0: Tailor's tracking script (docs/TRACKING.md) */
(function (w, d) {
  'use strict';
  var t = w.tailor = w.tailor || {}, c = t.config || {}, s = d.currentScript, AID = 'tailor_aid', UID = 'tailor_uid', V = '1.0.0';
  if (t.ready) return;
  var queued = t.q || [], nav = navigator, buf = [], bytes = 0, timer = null, when = 0;
  // Without the copy-paste stub: <script src=".../tailor.js" data-write-key="..."> also works.
  var key = c.writeKey || (s && s.getAttribute('data-write-key'));
  var host = (c.host || (s && s.src ? s.src.replace(/\/tailor\.js([?#].*)?$/, '') : '')).replace(/\/+$/, '');
  var flushAt = c.flushAt || 20, interval = c.flushInterval >= 0 ? c.flushInterval : 1000;

  function store(k, v) {
    try {
      if (v === undefined) return w.localStorage.getItem(k);
      if (v === null) w.localStorage.removeItem(k); else w.localStorage.setItem(k, v);
    } catch (e) { /* storage blocked: the cookie and memory still hold the ids */ }
    return null;
  }
  function cookie() {
    var m = d.cookie.match(/(?:^|;\s*)tailor_aid=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function uuid() {
    var x = w.crypto;
    if (x && x.randomUUID) return x.randomUUID();
    var b = new Uint8Array(16), h = '', i;
    x.getRandomValues(b);
    b[6] = b[6] & 15 | 64; b[8] = b[8] & 63 | 128;
    for (i = 0; i < 16; i++) h += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (b[i] + 256).toString(16).slice(1);
    return h;
  }
  // The anonymous id: a first-party cookie for a year (renewed on every load), localStorage as a fallback.
  function keep(id) {
    aid = id;
    d.cookie = AID + '=' + encodeURIComponent(id) + '; Max-Age=31536000; Path=/; SameSite=Lax' +
      (c.cookieDomain ? '; Domain=' + c.cookieDomain : '') + (location.protocol == 'https:' ? '; Secure' : '');
    store(AID, id);
  }
  var aid, uid = store(UID);
  keep(cookie() || store(AID) || uuid());

  function obj(v) { return v && typeof v == 'object' && !(v instanceof Array) ? v : {}; }
  function pageInfo() {
    return { path: location.pathname, referrer: d.referrer, search: location.search, title: d.title, url: location.href.split('#')[0] };
  }
  function context() {
    var tz;
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* old browser: no time zone */ }
    return { page: pageInfo(), userAgent: nav.userAgent, locale: nav.language, timezone: tz, library: { name: 'tailor.js', version: V } };
  }
  function warn(what) { if (w.console) console.warn('tailor.js: ' + what); }

  // One Segment message; queued, and sent once `flushAt` messages wait or `flushInterval` ms have passed.
  function message(type, fields) {
    var m = { type: type, messageId: uuid(), timestamp: new Date(when || Date.now()).toISOString(), anonymousId: aid, context: context() }, k, n;
    if (uid) m.userId = uid;
    for (k in fields) if (fields[k] != null) m[k] = fields[k];
    try { n = JSON.stringify(m).length; } catch (e) { return warn(type + ': the data cannot be sent as JSON'); }
    buf.push(m);
    bytes += n;
    if (buf.length >= flushAt || bytes > 48000) flush();
    else if (timer === null) timer = setTimeout(flush, interval);
  }

  function body(batch) { return JSON.stringify({ batch: batch, sentAt: new Date().toISOString(), writeKey: key }); }
  // text/plain keeps the request "simple": no preflight. keepalive lets it outlive the page (up to 64 KB in flight).
  function post(batch, attempt) {
    var b = body(batch);
    if (!w.fetch) return;
    fetch(host + '/v1/batch', { method: 'POST', body: b, keepalive: b.length < 60000, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } })
      .then(function (r) {
        if (r.status == 429 || r.status >= 500) retry(batch, attempt);
        else if (!r.ok) warn('the server refused a batch (' + r.status + ')');
      }, function () { retry(batch, attempt); });
  }
  function retry(batch, attempt) {
    if (attempt < 3) setTimeout(function () { post(batch, attempt + 1); }, 1000 << attempt);
  }
  // On page hide, sendBeacon (which the browser delivers after the page is gone); fetch(keepalive) where it refuses.
  function flush(hiding) {
    clearTimeout(timer);
    timer = null;
    while (buf.length) {
      var batch = buf.splice(0, flushAt), sent = false;
      if (hiding === true && nav.sendBeacon) {
        try { sent = nav.sendBeacon(host + '/v1/batch', body(batch)); } catch (e) { /* refused: fall back to fetch */ }
      }
      if (!sent) post(batch, 0);
    }
    bytes = 0;
  }

  t.identify = function (userId, traits) {
    if (userId && typeof userId == 'object') { traits = userId; userId = null; }
    if (userId != null && userId !== '') { uid = String(userId); store(UID, uid); }
    message('identify', { traits: obj(traits) });
  };
  t.track = function (event, properties) {
    if (typeof event != 'string' || !event) return warn('track needs an event name');
    message('track', { event: event, properties: obj(properties) });
  };
  t.page = function (name, properties) {
    if (name && typeof name == 'object') { properties = name; name = null; }
    var p = pageInfo(), k, given = obj(properties);
    for (k in given) p[k] = given[k];
    message('page', { name: name ? String(name) : null, properties: p });
  };
  // Forgets the user (a sign-out): a new anonymous id, no user id.
  t.reset = function () {
    flush();
    uid = null;
    store(UID, null);
    keep(uuid());
  };
  t.flush = flush;
  t.anonymousId = function () { return aid; };
  t.userId = function () { return uid; };
  t.ready = true;
  t.q = [];

  w.addEventListener('pagehide', function () { flush(true); });
  d.addEventListener('visibilitychange', function () { if (d.visibilityState == 'hidden') flush(true); });

  if (!key) warn('no write key (tailor.config.writeKey or data-write-key)');
  // The calls made before this script loaded, in order and with the time they were made; then the page view.
  for (var i = 0; i < queued.length; i++) {
    var call = queued[i], f = /^(identify|track|page|reset)$/.test(call[0]) && t[call[0]];
    when = call[2];
    if (f) f.apply(t, call[1]);
  }
  when = 0;
  if (c.autoPage !== false) t.page();
})(window, document);
