// Every case of tests/vectors (signatures.json, events.json and retry.json when present)
// through every entry point of the WASM package. A case that cannot run fails; none is skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { impls } from './impls.mjs';

const dir = new URL('../../../tests/vectors/', import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const signatures = load('signatures.json');
const events = load('events.json');

function body(c) {
  const fields = ['body', 'body_hex', 'body_repeat'].filter((k) => k in c);
  assert.equal(fields.length, 1, `case ${c.name} must carry exactly one body field`);
  if ('body' in c) return new TextEncoder().encode(c.body);
  if ('body_hex' in c) {
    const hex = c.body_hex;
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  return new TextEncoder().encode(c.body_repeat.pattern.repeat(c.body_repeat.count));
}

test('vector files are the expected version and non-empty', () => {
  assert.equal(signatures.version, 1);
  assert.equal(events.version, 1);
  assert.ok(signatures.verify.length > 0 && signatures.sign.length > 0);
  assert.ok(events.parse.length > 0 && events.flatten.length > 0);
});

for (const [name, w] of impls) {
  describe(`${name}: signatures.json verify (${signatures.verify.length} cases)`, () => {
    for (const c of signatures.verify) {
      test(c.name, () => {
        const options = {
          maxAge: c.options.max_age,
          maxFuture: c.options.max_future,
          allowLegacy: c.options.allow_legacy,
          now: c.now,
        };
        const run = () => w.verify(body(c), c.header, c.secrets, options);
        if (c.expected.ok) {
          const v = run();
          assert.deepEqual(v, {
            scheme: c.expected.scheme,
            timestamp: c.expected.timestamp,
            secretIndex: c.expected.secret_index,
          });
        } else {
          assert.throws(run, (e) => {
            assert.ok(e instanceof w.WebhookVerificationError, `${e}`);
            assert.ok(e instanceof Error);
            assert.equal(e.code, c.expected.code);
            for (const s of c.secrets) assert.ok(!e.message.includes(s), 'a secret leaked into the message');
            return true;
          });
        }
      });
    }
  });

  describe(`${name}: signatures.json sign (${signatures.sign.length} cases)`, () => {
    for (const c of signatures.sign) {
      test(c.name, () => {
        const b = body(c);
        const header =
          c.scheme === 'v1' ? w.sign(b, c.secrets, { timestamp: c.timestamp }) : w.signLegacy(b, c.secrets[0]);
        assert.equal(header, c.expected_header);
        c.secrets.forEach((secret, i) => {
          const v = w.verify(b, header, [secret], { now: c.timestamp ?? 0 });
          assert.equal(v.scheme, c.scheme);
          assert.equal(v.secretIndex, 0, `secret ${i} verifies its own header`);
        });
      });
    }
  });

  describe(`${name}: events.json parse (${events.parse.length} cases)`, () => {
    for (const c of events.parse) {
      test(c.name, () => {
        const run = () => w.parseEvent(new TextEncoder().encode(c.body));
        if (c.expected.ok) {
          const e = run();
          assert.equal(e.id, c.expected.id);
          assert.equal(e.type, c.expected.type);
          assert.equal(e.team_id, c.expected.team_id);
          assert.equal(e.created_at, c.expected.created_at);
          const info = w.eventTypeInfo(e.type);
          assert.equal(info.known, c.expected.known_type);
          assert.equal(info.family, c.expected.family);
          assert.deepEqual(Object.keys(e.data), c.expected.data_keys);
          assert.equal(e.raw, c.body, 'the raw body is kept');
        } else {
          assert.throws(run, (e) => e instanceof w.WebhookVerificationError && e.code === c.expected.code);
        }
      });
    }
  });

  describe(`${name}: events.json flatten (${events.flatten.length} cases)`, () => {
    for (const c of events.flatten) {
      test(c.name, () => {
        for (const input of [c.input_text, new TextEncoder().encode(c.input_text)]) {
          const flat = w.flatten(input);
          assert.deepEqual(Object.keys(flat), c.expected_keys);
          assert.deepEqual(flat, c.expected);
        }
        // An object keeps its key order through JSON.stringify: same result.
        assert.deepEqual(Object.keys(w.flatten(JSON.parse(c.input_text))), c.expected_keys);
      });
    }
  });

  const retryFile = new URL('retry.json', dir);
  if (existsSync(retryFile)) {
    test(`${name}: retry.json schedule`, () => {
      const retry = JSON.parse(readFileSync(retryFile, 'utf8'));
      const delays = retry.schedule?.delays ?? retry.delays ?? retry.standard_delays;
      assert.ok(Array.isArray(delays), 'retry.json carries the standard delays');
      assert.deepEqual(w.retrySchedule(), delays);
    });
  }
}
