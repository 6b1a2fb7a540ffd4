// Seeded random inputs into every function of the WASM build: the only errors ever thrown are
// WebhookVerificationError (a core code) or TypeError/RangeError with code invalid_argument —
// never a WebAssembly trap (RuntimeError), and the module keeps working afterwards.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const w = createRequire(import.meta.url)('..');

let seed = 0x2545f491;
const rand = (n) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const pick = (list) => list[rand(list.length)];
const strings = ['', ' ', 't=', 't=1', 't=1,v1=', 'sha256=', 'v1=ab', ',', '\uD800', '\u0000', 'é', '９', 't=9223372036854775808,v1=00', 't=-1,v1=00', '{"id":1}', '[]', 'null', '{'];
const values = [undefined, null, 0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, -(2 ** 53), '', 'x', [], {}, [1], () => 1, Symbol('s'), 10n, true, new Uint8Array([0xff]), new ArrayBuffer(3)];
const randomString = () => {
  let s = pick(strings);
  for (let i = rand(4); i > 0; i--) s += String.fromCharCode(rand(0x3000)) + pick(strings);
  return s;
};
const randomValue = () => (rand(3) === 0 ? pick(values) : randomString());
const randomBytes = () => new Uint8Array(rand(64)).map(() => rand(256));

function allowed(e) {
  if (e instanceof w.WebhookVerificationError) return w.ERROR_CODES.includes(e.code);
  return (e instanceof TypeError || e instanceof RangeError) && e.code === 'invalid_argument';
}

test('2000 random calls: only documented errors, no trap', () => {
  const calls = [
    () => w.verify(pick([randomString(), randomBytes(), randomValue()]), pick([randomString(), randomValue()]), pick([randomString(), [randomString()], randomValue()]), pick([undefined, { now: randomValue() }, { tolerance: randomValue() }, { maxAge: rand(1000), maxFuture: rand(1000), now: rand(2 ** 31) }, randomValue()])),
    () => w.constructEvent(randomString(), w.sign(randomString(), 'whsec_x', { timestamp: 5 }), 'whsec_x', { now: 5 }),
    () => w.parseEvent(pick([randomString(), randomBytes(), randomValue()])),
    () => w.sign(pick([randomString(), randomBytes()]), pick([randomString(), [randomString(), randomString()]]), { timestamp: pick([rand(2 ** 31), randomValue()]) }),
    () => w.signLegacy(randomString(), randomValue()),
    () => w.generateTestHeaders(randomString(), pick(['whsec_x', randomValue()]), { attempt: pick([rand(9), randomValue()]), eventId: randomValue() }),
    () => w.parseHeaders(pick([{ [randomString()]: randomString() }, [[randomString(), randomString()]], new Headers(), randomValue()])),
    () => w.diagnose(randomString(), pick([randomString(), 't=1,v1=' + 'a'.repeat(64)]), pick(['whsec_x ', randomValue()]), { now: pick([1, randomValue()]) }),
    () => w.flatten(pick([randomString(), randomBytes(), { data: { o: { a: randomString(), b: { c: rand(9) } } } }, randomValue()])),
    () => w.samplePayload(randomValue()),
    () => w.eventTypeInfo(randomValue()),
  ];
  let errors = 0;
  for (let i = 0; i < 2000; i++) {
    try {
      pick(calls)();
    } catch (e) {
      errors += 1;
      assert.ok(allowed(e), `unexpected ${e && e.name}: ${e && e.message}`);
    }
  }
  assert.ok(errors > 100, 'the random inputs did reach the error paths');
  const body = '{"id":"evt_1","type":"ticket.created","created_at":"2026-03-30T10:30:00Z","team_id":"t","data":{}}';
  assert.equal(w.verify(body, w.sign(body, 'whsec_x', { timestamp: 9 }), 'whsec_x', { now: 9 }).scheme, 'v1');
});
