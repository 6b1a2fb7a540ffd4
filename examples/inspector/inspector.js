// The inspector's UI. `npm run build` in packages/npm-wasm appends this file to the classic
// WebAssembly bundle (global `cstarWebhooks`) as inspector.bundle.js. Every decision —
// header grammar, tolerance, signatures, diagnosis, parsing, flat payload, retry delays — is
// the core's; this file only reads the form and draws the answers. It makes no network request.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const W = globalThis.cstarWebhooks;

  // The guide's example delivery (tests/vectors/signatures.json, case v1_guide_example).
  const EXAMPLE = {
    secret: 'whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8',
    timestamp: 1711800000,
    body:
      '{\n  "id": "evt_ticket_created_a1B2c3D4",\n  "type": "ticket.created",\n  "created_at": "2026-03-30T10:30:00Z",\n' +
      '  "team_id": "ffce2c0d-a0c8-4285-a55f-c674f191feb0",\n  "data": {\n    "ticket": {\n      "id": "tkt_a1B2c3D4e5F6",\n' +
      '      "prefixed_id": "CST-1024",\n      "title": "Cannot reset password",\n      "status": "new",\n      "priority": "normal",\n' +
      '      "channel": "widget",\n      "customer_id": "cus_01H8X9YZ7E0J3K4M5N6Q",\n      "created_at": "2026-04-27T18:42:11.000Z"\n    },\n' +
      '    "customer": {\n      "id": "cus_01H8X9YZ7E0J3K4M5N6Q",\n      "name": "Casey Patel",\n      "email": "casey@example.com"\n    }\n  }\n}',
  };

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const iso = (t) => {
    const d = new Date(t * 1000);
    return Number.isNaN(d.getTime()) ? '(out of range)' : d.toISOString().replace('.000Z', 'Z');
  };
  const span = (seconds) => {
    let a = Math.abs(seconds);
    const parts = [];
    for (const [n, u] of [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']]) {
      const q = Math.floor(a / n);
      a -= q * n;
      if (q > 0) parts.push(`${q} ${u}`);
    }
    return parts.length === 0 ? '0 s' : parts.slice(0, 3).join(' ');
  };
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  };
  const mask = (s) => (s.length <= 10 ? '•'.repeat(s.length) : `${s.slice(0, 6)}…${s.slice(-2)}`);

  /** The header textarea: a bare X-Signature value, or a block of `Name: value` lines. */
  function readHeaders() {
    const text = $('headers').value;
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.some((l) => /^[A-Za-z0-9-]+\s*:/.test(l))) {
      const pairs = lines
        .map((l) => l.match(/^([A-Za-z0-9-]+)\s*:\s?(.*)$/))
        .filter(Boolean)
        .map((m) => [m[1], m[2].trim()]);
      return W.parseHeaders(pairs);
    }
    const value = lines.join('').trim();
    return W.parseHeaders(value === '' ? [] : [['X-Signature', value]]);
  }

  const readSecrets = () =>
    $('secrets')
      .value.split(/\n/)
      .map((s) => s.replace(/\r$/, ''))
      .filter((s) => s !== '');

  function readInteger(id, fallback) {
    const v = $(id).value.trim();
    if (v === '') return fallback;
    if (!/^-?\d+$/.test(v)) throw new Error(`${id}: a whole number of seconds is expected`);
    return Number(v);
  }

  function tree(value, key) {
    const label = key === undefined ? [] : [el('span', { class: 'k' }, JSON.stringify(key)), ': '];
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      const ul = el('ul');
      for (const [k, v] of entries) ul.append(tree(v, k));
      const open = Array.isArray(value) ? '[' : '{';
      const d = el('details', { open: '' }, el('summary', {}, ...label, `${open} ${entries.length} ${Array.isArray(value) ? 'items' : 'keys'}`), ul);
      return el('li', {}, d);
    }
    const cls = typeof value === 'string' ? 's' : value === null ? 'z' : 'n';
    return el('li', {}, ...label, el('span', { class: cls }, JSON.stringify(value)));
  }

  function fact(dl, name, value, id) {
    const dd = el('dd', id ? { id } : {}, value);
    dl.append(el('dt', {}, name), dd);
  }

  function showTimeline(headers, signedAt) {
    const box = $('timeline-box');
    const body = $('timeline').tBodies[0];
    body.textContent = '';
    const attempt = headers.attempt;
    const delays = W.retrySchedule();
    if (!attempt) {
      box.classList.add('hidden');
      return;
    }
    box.classList.remove('hidden');
    const sentAt = headers.timestampUnix ?? signedAt;
    // Offsets from the first attempt: the running sum of the delays (attempt durations excluded).
    const offsets = [];
    delays.reduce((sum, d, i) => (offsets[i] = sum + d), 0);
    const current = Math.min(attempt, delays.length);
    $('timeline-note').textContent =
      attempt > delays.length
        ? `X-Delivery-Attempt ${attempt} is past the last attempt (${delays.length}).`
        : `This is attempt ${attempt} of ${delays.length}` +
          (attempt < delays.length ? `: if it fails, attempt ${attempt + 1} follows ${span(delays[attempt])} later.` : ': the last one; if it fails the delivery is failed.');
    delays.forEach((d, i) => {
      const n = i + 1;
      const at = sentAt === undefined ? '' : iso(sentAt + offsets[i] - offsets[current - 1]);
      const row = el('tr', { class: n === current ? 'current' : n < current ? 'past' : '' },
        el('td', {}, n === 1 ? '1 (initial)' : String(n)),
        el('td', {}, n === 1 ? '—' : span(d)),
        el('td', {}, n === 1 ? '0 s' : span(offsets[i])),
        el('td', {}, at + (n === current ? '  ← this delivery' : '')));
      body.append(row);
    });
  }

  function showEvent(bodyBytes) {
    const list = $('event');
    const flat = $('flat').tBodies[0];
    list.textContent = '';
    flat.textContent = '';
    try {
      const event = W.parseEvent(bodyBytes);
      const info = W.eventTypeInfo(event.type);
      $('event-note').textContent = `${event.type} — family ${info.family}${info.known ? '' : ' (a type this version does not know: kept as raw JSON)'}`;
      list.append(tree(event));
      const f = W.flatten(bodyBytes);
      for (const [k, v] of Object.entries(f)) {
        if (k === 'data') continue;
        flat.append(el('tr', {}, el('td', {}, k), el('td', {}, JSON.stringify(v))));
      }
    } catch (e) {
      $('event-note').textContent = `Not an event envelope: ${e.code || ''} ${e.message}`;
    }
  }

  function run() {
    const status = $('status');
    const facts = $('facts');
    const causes = $('causes');
    facts.textContent = '';
    causes.textContent = '';
    $('explanation').textContent = '';
    $('diagnosis').classList.add('hidden');
    try {
      const bodyBytes = new TextEncoder().encode($('body').value);
      const headers = readHeaders();
      const secrets = readSecrets();
      const now = readInteger('now', nowSeconds());
      const tolerance = readInteger('tolerance', 300);
      if (secrets.length === 0) throw new Error('enter at least one secret');
      const options = { now, tolerance, allowLegacy: $('legacy').checked };
      let signedAt;
      try {
        const v = W.verify(bodyBytes, headers.signature, secrets, options);
        status.className = 'ok';
        status.textContent = '✔ verified';
        fact(facts, 'scheme', v.scheme, 'fact-scheme');
        if (v.timestamp !== null) {
          signedAt = v.timestamp;
          fact(facts, 'signed at', `${v.timestamp} (${iso(v.timestamp)})`, 'fact-signed');
          fact(facts, 'age', `${span(now - v.timestamp)} ${now >= v.timestamp ? 'old' : 'in the future'} (tolerance ${tolerance} s)`, 'fact-age');
        } else {
          fact(facts, 'signed at', 'no timestamp (legacy scheme: no replay protection)', 'fact-signed');
        }
        fact(facts, 'matched secret', `#${v.secretIndex + 1} of ${secrets.length} (${mask(secrets[v.secretIndex])})`, 'fact-secret');
      } catch (e) {
        if (!(e instanceof W.WebhookVerificationError)) throw e;
        status.className = 'bad';
        status.textContent = `✘ ${e.code}`;
        status.dataset.code = e.code;
        $('explanation').textContent = e.message.replace(/^[a-z_]+: /, '');
        const d = W.diagnose(bodyBytes, headers.signature, secrets, { now });
        const m = /(?:^|,)\s*t=(\d+)/.exec(headers.signature || '');
        if (m) {
          signedAt = Number(m[1]);
          fact(facts, 'signed at', `${m[1]} (${iso(signedAt)})`, 'fact-signed');
          fact(facts, 'age', `${span(now - signedAt)} ${now >= signedAt ? 'old' : 'in the future'} (tolerance ${tolerance} s)`, 'fact-age');
        }
        if (d.causes.length > 0) {
          $('diagnosis').classList.remove('hidden');
          for (const c of d.causes) {
            causes.append(el('li', { 'data-code': c.code }, el('code', {}, c.code), ' — ', c.explanation));
          }
        }
      }
      for (const [name, key] of [['event id', 'eventId'], ['event type', 'eventType'], ['webhook', 'webhookId'], ['attempt', 'deliveryAttempt'], ['X-Timestamp', 'timestamp']]) {
        if (headers[key]) fact(facts, name, headers[key]);
      }
      showTimeline(headers, signedAt);
      showEvent(bodyBytes);
    } catch (e) {
      status.className = 'bad';
      status.textContent = `✘ ${e.code || 'error'}`;
      $('explanation').textContent = e.message;
    }
  }

  function sign() {
    try {
      const secrets = readSecrets();
      const headers = W.generateTestHeaders(new TextEncoder().encode($('body').value), secrets, {
        timestamp: readInteger('sign-time', nowSeconds()),
        attempt: readInteger('sign-attempt', 1),
      });
      $('signed').textContent = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n');
    } catch (e) {
      $('signed').textContent = `${e.code || 'error'}: ${e.message}`;
    }
  }

  W.ready.then(() => {
    $('loading').textContent = 'Ready: the WebAssembly core is loaded (no network used).';
    $('loading').dataset.ready = 'true';
    $('now').value = String(nowSeconds());
    $('sign-time').value = String(nowSeconds());
    $('verify').addEventListener('click', run);
    $('sign').addEventListener('click', sign);
    $('use-now').addEventListener('click', () => { $('now').value = String(nowSeconds()); run(); });
    $('use-signed').addEventListener('click', () => {
      const m = /(?:^|,)\s*t=(\d+)/.exec(readHeaders().signature || '');
      if (m) $('now').value = m[1];
      run();
    });
    $('use-signed-headers').addEventListener('click', () => {
      $('headers').value = $('signed').textContent;
      const m = /t=(\d+)/.exec($('signed').textContent);
      if (m) $('now').value = m[1];
      run();
    });
    $('example').addEventListener('click', () => {
      $('body').value = EXAMPLE.body;
      $('secrets').value = EXAMPLE.secret;
      const h = W.generateTestHeaders(EXAMPLE.body, EXAMPLE.secret, { timestamp: EXAMPLE.timestamp, webhookId: 'whk_abc123' });
      $('headers').value = Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');
      $('now').value = String(EXAMPLE.timestamp + 5);
      run();
    });
  }, (e) => {
    $('loading').textContent = `Could not load the WebAssembly core: ${e.message}`;
  });
})();
