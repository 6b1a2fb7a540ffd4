// Benchmark: @cstar/webhooks-wasm `verify` beside the pure-JS verifiers of standardwebhooks and
// svix, and stripe-node's SubtleCrypto path (constructEventAsync + createSubtleCryptoProvider),
// at 1 KiB and 64 KiB, in one run. Prints ops/s and ratios. Not part of the tests.
//
//   cd packages/npm-wasm && npm ci && npm run build && node bench/verify.mjs
import { createRequire } from 'node:module';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';

const require = createRequire(import.meta.url);
const wasm = require('..');
// Each case runs in ROUNDS short rounds, interleaved with the other libraries, and the best
// round counts: on a shared machine this is far steadier than one long run.
const SECONDS = Number(process.env.BENCH_SECONDS || 0.3);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
const encoder = new TextEncoder();

function body(size) {
  const base = {
    id: 'evt_ticket_created_a1B2c3D4',
    type: 'ticket.created',
    created_at: '2026-03-30T10:30:00Z',
    team_id: 'ffce2c0d-a0c8-4285-a55f-c674f191feb0',
    data: { ticket: { id: 'tkt_a1B2c3D4e5F6', prefixed_id: 'CST-1024', title: '' } },
  };
  const empty = JSON.stringify(base).length;
  base.data.ticket.title = 'x'.repeat(size - empty);
  const text = JSON.stringify(base);
  if (text.length !== size) throw new Error('bad size');
  return text;
}

async function measure(fn) {
  // Warm up, then count operations for SECONDS.
  for (let i = 0; i < 200; i++) await fn();
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  let start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return (n / (performance.now() - start)) * 1000;
}

function measureSync(fn) {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return (n / (performance.now() - start)) * 1000;
}

const secretBytes = new Uint8Array(24).map((_, i) => (i * 37 + 11) & 255);
const svixSecret = `whsec_${btoa(String.fromCharCode(...secretBytes))}`;
const cstarSecret = 'whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8';
const stripe = new Stripe('sk_test_benchmark');
const subtle = Stripe.createSubtleCryptoProvider();
const results = [];

for (const size of [1024, 64 * 1024]) {
  const text = body(size);
  const bytes = encoder.encode(text);
  const now = Math.floor(Date.now() / 1000);

  const header = wasm.sign(bytes, cstarSecret, { timestamp: now });
  const sw = new StandardWebhook(svixSecret);
  const swHeaders = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': sw.sign('msg_1', new Date(now * 1000), text) };
  sw.verify(text, swHeaders);
  const sv = new SvixWebhook(svixSecret);
  const svHeaders = { 'svix-id': 'msg_1', 'svix-timestamp': String(now), 'svix-signature': swHeaders['webhook-signature'] };
  sv.verify(text, svHeaders);
  const stripeHeader = stripe.webhooks.generateTestHeaderString({ payload: text, secret: cstarSecret });
  await stripe.webhooks.constructEventAsync(text, stripeHeader, cstarSecret, undefined, subtle);

  const best = { ours: 0, oursEvent: 0, standard: 0, svix: 0, stripeSubtle: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.ours = Math.max(best.ours, measureSync(() => wasm.verify(bytes, header, cstarSecret, { now })));
    best.oursEvent = Math.max(best.oursEvent, measureSync(() => wasm.constructEvent(bytes, header, cstarSecret, { now })));
    best.standard = Math.max(best.standard, measureSync(() => sw.verify(text, swHeaders)));
    best.svix = Math.max(best.svix, measureSync(() => sv.verify(text, svHeaders)));
    best.stripeSubtle = Math.max(
      best.stripeSubtle,
      await measure(() => stripe.webhooks.constructEventAsync(text, stripeHeader, cstarSecret, undefined, subtle)),
    );
  }
  const { ours, oursEvent, standard, svix, stripeSubtle } = best;
  results.push({ size, ours, oursEvent, standard, svix, stripeSubtle });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`node ${process.version}, best of ${ROUNDS} interleaved rounds of ${SECONDS}s per case`);
console.log('| body | @cstar/webhooks-wasm verify | constructEvent | standardwebhooks 1.3.0 | svix 1.99.1 | stripe 23.2.0 SubtleCrypto (async) | vs standardwebhooks | vs svix | vs stripe |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.size / 1024} KiB | ${fmt(r.ours)} ops/s | ${fmt(r.oursEvent)} ops/s | ${fmt(r.standard)} ops/s | ${fmt(r.svix)} ops/s | ${fmt(r.stripeSubtle)} ops/s | ` +
      `${(r.ours / r.standard).toFixed(1)}× | ${(r.ours / r.svix).toFixed(1)}× | ${(r.ours / r.stripeSubtle).toFixed(1)}× |`,
  );
}
