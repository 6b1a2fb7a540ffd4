// End-to-end tests in headless Chromium (Debian's `chromium`, driven by playwright-core):
//   - the inspector page (examples/inspector) from a loopback static server and from file://:
//     paste the guide's example → "verified"; change one byte → the failure and its diagnosis;
//     no network request at all beyond loading the page's own two files; a screenshot artifact;
//   - the ESM entries imported by a page (a context without Node built-ins): the inline
//     entry (no init call) and the web entry (`await init()`).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const vectors = JSON.parse(readFileSync(join(root, 'tests/vectors/signatures.json'), 'utf8'));
const guide = vectors.sign.find((c) => c.name === 'v1_guide_example');
assert.ok(guide, 'the guide example sign vector exists');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const SERVED = ['examples/inspector/', 'packages/npm-wasm/dist/'];
let server;
let origin;
let browser;

before(async () => {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    if (path === 'blank.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');
      return;
    }
    if (!SERVED.some((p) => path.startsWith(p)) || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const file = join(root, path);
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openInspector(url) {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(url);
  await page.waitForSelector('#loading[data-ready="true"]', { timeout: 20000 });
  return { page, requests, errors };
}

async function verifyIn(page, { headers, body, secret, now }) {
  await page.fill('#headers', headers);
  await page.fill('#body', body);
  await page.fill('#secrets', secret);
  await page.fill('#now', String(now));
  await page.click('#verify');
}

async function inspectorFlow(page, requests, shot) {
  const loaded = requests.length;
  // 1. The guide's example, pasted: verified.
  await verifyIn(page, { headers: guide.expected_header, body: guide.body, secret: guide.secrets[0], now: guide.timestamp + 42 });
  assert.match(await page.textContent('#status'), /verified/);
  assert.equal(await page.textContent('#fact-scheme'), 'v1');
  assert.match(await page.textContent('#fact-signed'), /^1711800000 \(2024-03-30T12:00:00Z\)/);
  assert.match(await page.textContent('#fact-age'), /42 s old/);
  assert.match(await page.textContent('#fact-secret'), /^#1 of 1/);
  assert.ok(!(await page.textContent('#fact-secret')).includes(guide.secrets[0]), 'the secret is masked');
  assert.match(await page.textContent('#event-note'), /ticket\.created — family tickets/);
  assert.match(await page.textContent('#event'), /"customer_id"/);
  assert.match(await page.textContent('#flat'), /ticket_prefixed_id\s*"CST-1024"/);
  assert.ok(await page.isHidden('#diagnosis'));

  // 2. One byte changed: the failure, its explanation and the diagnosis.
  const tampered = guide.body.replace('"new"', '"neW"');
  assert.equal(tampered.length, guide.body.length);
  await page.fill('#body', tampered);
  await page.click('#verify');
  assert.match(await page.textContent('#status'), /no_matching_signature/);
  assert.match(await page.textContent('#explanation'), /no signature matches/);
  assert.ok(await page.isVisible('#diagnosis'));
  assert.deepEqual(await page.$$eval('#causes li', (lis) => lis.map((li) => li.dataset.code)), ['wrong_secret']);

  // 3. A trailing newline added in transit: named as such.
  await page.fill('#body', `${guide.body}\n`);
  await page.click('#verify');
  assert.deepEqual(await page.$$eval('#causes li', (lis) => lis.map((li) => li.dataset.code)), ['trailing_newline']);

  // 4. Too old: the code, and the age.
  await verifyIn(page, { headers: guide.expected_header, body: guide.body, secret: guide.secrets[0], now: guide.timestamp + 3600 });
  assert.match(await page.textContent('#status'), /timestamp_too_old/);
  assert.match(await page.textContent('#fact-age'), /1 h old/);

  // 5. The whole header block, attempt 3: the retry timeline around it.
  const block = `X-Webhook-ID: whk_abc123\nX-Event-Type: ticket.created\nX-Timestamp: 2024-03-30T12:00:00Z\nX-Signature: ${guide.expected_header}\nX-Delivery-Attempt: 3`;
  await verifyIn(page, { headers: block, body: guide.body, secret: `whsec_other\n${guide.secrets[0]}`, now: guide.timestamp });
  assert.match(await page.textContent('#status'), /verified/);
  assert.match(await page.textContent('#fact-secret'), /^#2 of 2/);
  assert.equal(await page.$$eval('#timeline tbody tr', (r) => r.length), 7);
  assert.match(await page.textContent('#timeline tr.current'), /^3.*2 min.*2 min 30 s.*2024-03-30T12:00:00Z/);
  assert.match(await page.textContent('#timeline-note'), /attempt 4 follows 10 min later/);
  await page.screenshot({ path: join(artifacts, shot), fullPage: true });

  // 6. Sign: the test header set, which then verifies.
  await page.fill('#sign-time', String(guide.timestamp));
  await page.click('#sign');
  assert.match(await page.textContent('#signed'), /X-Signature: t=1711800000,v1=/);
  await page.fill('#secrets', guide.secrets[0]);
  await page.click('#use-signed-headers');
  assert.match(await page.textContent('#status'), /verified/);

  assert.deepEqual(requests.slice(loaded), [], 'no network request after the page loaded');
}

describe('inspector in headless Chromium', () => {
  test('served from a loopback static server', async () => {
    const { page, requests, errors } = await openInspector(`${origin}/examples/inspector/index.html`);
    assert.deepEqual(requests, [`${origin}/examples/inspector/index.html`, `${origin}/examples/inspector/inspector.bundle.js`]);
    await inspectorFlow(page, requests, 'inspector.png');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('opened from the file system (file://), offline', async () => {
    const url = pathToFileURL(join(root, 'examples/inspector/index.html')).href;
    const { page, requests, errors } = await openInspector(url);
    assert.ok(requests.every((u) => u.startsWith('file://')), `only local files: ${requests}`);
    await inspectorFlow(page, requests, 'inspector-file.png');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the guide example button', async () => {
    const { page } = await openInspector(`${origin}/examples/inspector/index.html`);
    await page.click('#example');
    assert.match(await page.textContent('#status'), /verified/);
    assert.match(await page.textContent('#timeline-note'), /attempt 1 of 7/);
    await page.close();
  });
});

describe('ESM entries in a browser page (no Node built-ins)', () => {
  test('inline entry: no init call; web entry: await init()', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/blank.html`);
    const result = await page.evaluate(
      async ({ body, header, secret, now }) => {
        const out = {};
        const inline = await import('/packages/npm-wasm/dist/esm/index.mjs');
        out.inline = inline.verify(body, header, secret, { now });
        try {
          inline.verify(`${body} `, header, secret, { now });
        } catch (e) {
          out.inlineError = [e.name, e.code, e instanceof inline.WebhookVerificationError];
        }
        const web = await import('/packages/npm-wasm/dist/web/index.mjs');
        try {
          web.verify(body, header, secret, { now });
        } catch (e) {
          out.beforeInit = e.message;
        }
        await web.init();
        out.web = web.verify(new TextEncoder().encode(body), header, [secret], { now });
        out.codes = web.ERROR_CODES.length;
        out.hasBuffer = typeof globalThis.Buffer !== 'undefined' || typeof globalThis.process !== 'undefined';
        return out;
      },
      { body: guide.body, header: guide.expected_header, secret: guide.secrets[0], now: guide.timestamp },
    );
    const expected = { scheme: 'v1', timestamp: guide.timestamp, secretIndex: 0 };
    assert.deepEqual(result.inline, expected);
    assert.deepEqual(result.web, expected);
    assert.deepEqual(result.inlineError, ['WebhookVerificationError', 'no_matching_signature', true]);
    assert.match(result.beforeInit, /call `await init\(\)`/);
    assert.equal(result.codes, 7);
    assert.equal(result.hasBuffer, false);
    await page.close();
  });
});
