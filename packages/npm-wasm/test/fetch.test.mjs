// The Fetch-API adapter (shared with @cstar/webhooks/fetch) over the WASM build, with the
// global Request/Response every edge runtime has: verified → the handler runs; tampered,
// stale, already-read or oversized → 400/413 and the handler never runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

const require = createRequire(import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/signatures.json', import.meta.url), 'utf8'));
const guide = vectors.sign.find((c) => c.name === 'v1_guide_example');
const SECRET = guide.secrets[0];
const T = guide.timestamp;

const entries = [
  ['node-cjs', require('../dist/node/fetch.cjs')],
  ['node-esm', await import('../dist/node/fetch.mjs')],
  ['inline-esm', await import('../dist/esm/fetch.mjs')],
];

const post = (body, headers) => new Request('https://example.com/webhooks', { method: 'POST', body, headers });

test('the same exports as @cstar/webhooks/fetch', () => {
  const text = readFileSync(new URL('../../npm/fetch.js', import.meta.url), 'utf8');
  const names = text.match(/module\.exports = \{([^}]*)\}/)[1].split(',').map((n) => n.trim()).filter(Boolean).sort();
  for (const [, f] of entries) assert.deepEqual(Object.keys(f).filter((k) => k !== 'default').sort(), names);
});

for (const [name, f] of entries) {
  describe(`${name}: fetch adapter`, () => {
    test('verifyRequest: the event, the verification and the headers', async () => {
      const r = await f.verifyRequest(post(guide.body, { 'X-Signature': guide.expected_header, 'X-Delivery-Attempt': '2' }), {
        secret: SECRET,
        now: T,
      });
      assert.equal(r.event.id, 'evt_ticket_created_a1B2c3D4');
      assert.deepEqual(r.verified, { scheme: 'v1', timestamp: T, secretIndex: 0 });
      assert.equal(r.headers.attempt, 2);
    });

    test('webhookHandler: 200 when verified, 400 with the code otherwise, 413 over the limit', async () => {
      let calls = 0;
      const handler = f.webhookHandler({ secret: SECRET, now: T, limit: 4096 }, (event) => {
        calls += 1;
        return { type: event.type };
      });
      const ok = await handler(post(guide.body, { 'x-signature': guide.expected_header }));
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { type: 'ticket.created' });
      const bad = await handler(post(guide.body.replace('new', 'neW'), { 'x-signature': guide.expected_header }));
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).code, 'no_matching_signature');
      const none = await handler(post(guide.body, {}));
      assert.equal((await none.json()).code, 'missing_signature');
      const big = await handler(post('x'.repeat(5000), { 'x-signature': guide.expected_header }));
      assert.equal(big.status, 413);
      assert.equal(calls, 1);
      await assert.rejects(
        f.verifyRequest(await (async () => { const r = post(guide.body, {}); await r.text(); return r; })(), { secret: SECRET }),
        /already read/,
      );
      assert.throws(() => f.webhookHandler({}, () => {}), (e) => e.code === 'invalid_argument');
    });
  });
}
