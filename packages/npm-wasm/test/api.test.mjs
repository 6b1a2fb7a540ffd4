// The WASM package's own API checks, on every entry: the same export names as the native
// package, every core error code reachable as a WebhookVerificationError, bad arguments
// answered with a clear invalid_argument error (never a crash), no secret in any message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { impls } from './impls.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/signatures.json', import.meta.url), 'utf8'));
const guide = vectors.sign.find((c) => c.name === 'v1_guide_example');
const SECRET = guide.secrets[0];
const T = guide.timestamp;

test('the same export names as the native package (packages/npm/index.js)', () => {
  const text = readFileSync(new URL('../../npm/index.js', import.meta.url), 'utf8');
  const block = text.slice(text.lastIndexOf('module.exports = {'));
  const native = [
    ...[...block.matchAll(/^\s+([A-Za-z_]+),?$/gm)].map((m) => m[1]),
    ...[...text.matchAll(/^module\.exports\.([A-Za-z_]+) =/gm)].map((m) => m[1]),
  ].sort();
  assert.ok(native.length >= 15, `parsed the native export list: ${native}`);
  for (const [name, w] of impls) {
    const ours = Object.keys(w).filter((k) => !['default', 'init', 'initSync'].includes(k)).sort();
    assert.deepEqual(ours, native, `${name} exports`);
  }
});

for (const [name, w] of impls) {
  describe(`${name}: errors`, () => {
    const body = guide.body;
    const header = guide.expected_header;
    // One input per core code; the list of codes itself comes from the core.
    const trigger = {
      missing_signature: () => w.verify(body, undefined, SECRET, { now: T }),
      malformed_signature: () => w.verify(body, 'v1=abc', SECRET, { now: T }),
      timestamp_too_old: () => w.verify(body, header, SECRET, { now: T + 301 }),
      timestamp_in_future: () => w.verify(body, header, SECRET, { now: T - 301 }),
      no_matching_signature: () => w.verify(body, header, 'whsec_wrong', { now: T }),
      legacy_not_allowed: () => w.verify(body, w.signLegacy(body, SECRET), SECRET, { allowLegacy: false }),
      invalid_payload: () => w.constructEvent('[]', w.sign('[]', SECRET, { timestamp: T }), SECRET, { now: T }),
    };

    test('every core code is reachable as a WebhookVerificationError', () => {
      assert.equal(w.ERROR_CODES.length, 7);
      assert.deepEqual(Object.keys(trigger).sort(), [...w.ERROR_CODES].sort());
      for (const code of w.ERROR_CODES) {
        assert.throws(trigger[code], (e) => {
          assert.ok(e instanceof w.WebhookVerificationError && e instanceof Error);
          assert.ok(w.isWebhookVerificationError(e));
          assert.equal(e.name, 'WebhookVerificationError');
          assert.equal(e.code, code);
          assert.equal(e.statusCode, 400);
          assert.ok(!e.message.includes(SECRET));
          return true;
        });
      }
    });

    test('the diagnosis cause codes come from the core', () => {
      assert.ok(w.CAUSE_CODES.includes('body_reserialized') && w.CAUSE_CODES.includes('wrong_secret'));
      const d = w.diagnose(`${body}\n`, header, SECRET, { now: T });
      assert.equal(d.ok, false);
      assert.equal(d.code, 'no_matching_signature');
      assert.deepEqual(d.causes.map((c) => c.code), ['trailing_newline']);
      assert.ok(d.causes.every((c) => w.CAUSE_CODES.includes(c.code)));
      const ok = w.diagnose(body, header, SECRET, { now: T });
      assert.deepEqual(ok, { ok: true, verified: { scheme: 'v1', timestamp: T, secretIndex: 0 }, causes: [] });
    });

    test('bad arguments: invalid_argument, never a crash', () => {
      const cases = [
        [() => w.verify({ id: 'evt' }, header, SECRET), TypeError, /parsed object/],
        [() => w.verify(undefined, header, SECRET), TypeError, /raw request body/],
        [() => w.verify(42, header, SECRET), TypeError, /Uint8Array/],
        [() => w.verify(body, 42, SECRET), TypeError, /X-Signature/],
        [() => w.verify(body, header, undefined), TypeError, /secrets/],
        [() => w.verify(body, header, []), TypeError, /empty list/],
        [() => w.verify(body, header, ['']), TypeError, /empty string/],
        [() => w.verify(body, header, [SECRET, 7]), TypeError, /array holding number/],
        [() => w.verify(body, header, SECRET, 'fast'), TypeError, /options must be an object/],
        [() => w.verify(body, header, SECRET, { now: 1.5 }), RangeError, /whole number/],
        [() => w.verify(body, header, SECRET, { now: 2 ** 60 }), RangeError, /whole number/],
        [() => w.verify(body, header, SECRET, { now: '1' }), TypeError, /must be a number/],
        [() => w.verify(body, header, SECRET, { tolerance: -1 }), RangeError, />= 0/],
        [() => w.verify(body, header, SECRET, { allowLegacy: 'no' }), TypeError, /boolean/],
        [() => w.sign(body, SECRET, { timestamp: Number.NaN }), RangeError, /whole number/],
        [() => w.signLegacy(body, [SECRET]), TypeError, /secret must be a string/],
        [() => w.generateTestHeaders(body, SECRET, { attempt: -1 }), RangeError, />= 0/],
        [() => w.generateTestHeaders(body, SECRET, { attempt: 2 ** 33 }), RangeError, /whole number/],
        [() => w.parseHeaders('x-signature: t=1'), TypeError, /headers must be an object/],
        [() => w.samplePayload(5), TypeError, /event type string/],
        [() => w.eventTypeInfo(null), TypeError, /event type string/],
      ];
      for (const [fn, Kind, pattern] of cases) {
        assert.throws(fn, (e) => {
          assert.ok(e instanceof Kind, `${e}`);
          assert.equal(e.code, w.INVALID_ARGUMENT);
          assert.match(e.message, pattern);
          assert.ok(!e.message.includes(SECRET));
          return true;
        });
      }
    });

    test('bodies: bytes stay bytes (non-UTF-8, views, ArrayBuffer), strings are UTF-8', () => {
      const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x7b]);
      const h = w.sign(bytes, SECRET, { timestamp: T });
      assert.equal(w.verify(bytes, h, SECRET, { now: T }).scheme, 'v1');
      assert.equal(w.verify(bytes.buffer, h, SECRET, { now: T }).scheme, 'v1');
      const padded = new Uint8Array([9, ...bytes, 9]);
      assert.equal(w.verify(new DataView(padded.buffer, 1, bytes.length), h, SECRET, { now: T }).scheme, 'v1');
      const text = 'héllo ✓ 🎉';
      assert.equal(w.sign(text, SECRET, { timestamp: T }), w.sign(new TextEncoder().encode(text), SECRET, { timestamp: T }));
      assert.throws(() => w.parseEvent(bytes), (e) => e.code === 'invalid_payload');
    });

    test('a re-serialized string body is named in the message', () => {
      const compact = JSON.stringify(JSON.parse(body));
      assert.throws(() => w.verify(compact, header, SECRET, { now: T }), /parsed as JSON and serialized again/);
      assert.throws(
        () => w.verify(new TextEncoder().encode(compact), header, SECRET, { now: T }),
        (e) => e.code === 'no_matching_signature' && !/serialized again/.test(e.message),
      );
    });

    test('events, samples, catalog, headers', () => {
      const e = w.constructEvent(body, header, SECRET, { now: T });
      assert.deepEqual(Object.keys(e), ['id', 'type', 'created_at', 'team_id', 'data']);
      assert.equal(e.raw, body);
      assert.equal(w.catalog().length, 14);
      assert.deepEqual(w.EVENT_TYPES, w.catalog().map((c) => c.type));
      for (const type of w.EVENT_TYPES) {
        const s = w.samplePayload(type);
        assert.equal(s.type, type);
        assert.ok(s.id.startsWith('evt_test_'));
        assert.deepEqual(JSON.parse(s.raw), s);
      }
      assert.equal(w.samplePayload('ticket.merged'), undefined);
      assert.deepEqual(w.eventTypeInfo('ticket.merged'), { type: 'ticket.merged', family: 'unknown', label: 'Unknown', known: false });
      const headers = w.generateTestHeaders(body, [SECRET, 'whsec_old'], { timestamp: T, attempt: 3, webhookId: 'whk_abc123' });
      assert.deepEqual(Object.keys(headers), ['Content-Type', 'X-Webhook-ID', 'X-Event-Type', 'X-Event-ID', 'X-Timestamp', 'X-Signature', 'X-Delivery-Attempt', 'User-Agent']);
      assert.equal(headers['X-Event-ID'], 'evt_ticket_created_a1B2c3D4');
      const parsed = w.parseHeaders(new Headers(headers));
      assert.equal(parsed.attempt, 3);
      assert.equal(parsed.timestampUnix, T);
      assert.equal(w.verify(body, parsed.signature, 'whsec_old', { now: T }).secretIndex, 0);
      assert.equal(w.parseHeaders(new Map([['X-SIGNATURE', 'a']])).signature, 'a');
      assert.equal(w.parseHeaders([['x-delivery-attempt', '2']]).attempt, 2);
      assert.equal(w.DEFAULT_TOLERANCE, 300);
      assert.ok(w.isKnownEvent(e) && w.isEventType(e, 'ticket.created') && !w.isEventType(e, 'ticket.updated'));
      assert.ok(!w.isKnownEvent(w.parseEvent(body.replace('ticket.created', 'ticket.merged'))));
    });
  });
}

test('web entry: initSync with a compiled WebAssembly.Module (the Workers way), ready-check before', async () => {
  const web = await import('../dist/web/index.mjs');
  assert.throws(() => web.verify('{}', 't=1,v1=00', 'whsec_x'), /call `await init\(\)`/);
  const bytes = readFileSync(new URL('../dist/webhooks.wasm', import.meta.url));
  web.initSync(new WebAssembly.Module(bytes));
  assert.deepEqual(web.verify(guide.body, guide.expected_header, SECRET, { now: T }), { scheme: 'v1', timestamp: T, secretIndex: 0 });
  assert.equal(web.ERROR_CODES.length, 7);
  assert.equal(web.DEFAULT_TOLERANCE, 300);
  await web.init(); // a second init is a no-op
});
