// Benchmark: @cstar/webhooks `verify` against peer libraries, in one run, same machine.
//
//   cd packages/npm && npm ci && npm run build && node bench/verify.mjs [--rounds 5] [--ms 300]
//
// Peers (pinned devDependencies), each given the input it is designed for:
// - stripe `webhooks.signature.verifyHeader` (the same `t=…,v1=…` scheme: HMAC-SHA256 over
//   "{t}.{body}" with node:crypto), Buffer body;
// - @octokit/webhooks-methods `verify` (GitHub's `sha256=` format = our legacy scheme; async,
//   string body), compared with our `verify` on a legacy header;
// - standardwebhooks `Webhook.verify` and svix `Webhook.verify` (HMAC-SHA256 in pure JS;
//   JSON parsing turned off / not done, so only verification is timed), Buffer body;
// - a plain node:crypto implementation of the v1 check (createHmac + timingSafeEqual), the
//   floor of what JavaScript code can do.
// Every implementation is checked to accept its input before timing. Rounds are interleaved
// (each round times every implementation once) and the median ops/s of the rounds is shown,
// which evens out the noise of a shared machine.
import { createRequire } from 'node:module'
import crypto from 'node:crypto'
import os from 'node:os'

const require = createRequire(import.meta.url)
const ours = require('@cstar/webhooks')
const Stripe = require('stripe')
const { Webhook: StandardWebhook } = require('standardwebhooks')
const { Webhook: SvixWebhook } = require('svix')
const { verify: octokitVerify } = await import('@octokit/webhooks-methods')

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const ROUNDS = option('rounds', 5)
const MS = option('ms', 300)

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SW_SECRET = 'whsec_' + Buffer.from(SECRET).toString('base64')
const stripe = new Stripe('sk_test_bench', { telemetry: false })

/** A realistic event body of exactly `size` bytes. */
function body(size) {
  const event = ours.samplePayload('ticket.created')
  const base = JSON.stringify({ ...event, data: { ...event.data, note: '' } })
  const text = JSON.stringify({ ...event, data: { ...event.data, note: 'x'.repeat(size - base.length) } })
  if (Buffer.byteLength(text) !== size) throw new Error('body size')
  return text
}

function plainNode(payload, header, secret) {
  const parts = header.split(',')
  const t = parts.find((p) => p.startsWith('t=')).slice(2)
  const now = Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(t)) > 300) return false
  const expected = crypto.createHmac('sha256', secret).update(`${t}.`).update(payload).digest()
  return parts.some((p) => {
    if (!p.startsWith('v1=')) return false
    const sig = Buffer.from(p.slice(3), 'hex')
    return sig.length === 32 && crypto.timingSafeEqual(sig, expected)
  })
}

function cases(size) {
  const text = body(size)
  const buf = Buffer.from(text)
  const now = Math.floor(Date.now() / 1000)
  const header = ours.sign(buf, SECRET, { timestamp: now })
  const legacy = ours.signLegacy(buf, SECRET)
  const sw = new StandardWebhook(SW_SECRET)
  const swHeaders = {
    'webhook-id': 'msg_bench',
    'webhook-timestamp': String(now),
    'webhook-signature': sw.sign('msg_bench', new Date(now * 1000), text),
  }
  const svix = new SvixWebhook(SW_SECRET)
  return [
    { name: '@cstar/webhooks verify (v1)', ours: true, fn: () => ours.verify(buf, header, SECRET).scheme === 'v1' },
    { name: '@cstar/webhooks verify (legacy sha256=)', ours: true, legacy: true, fn: () => ours.verify(buf, legacy, SECRET).scheme === 'legacy' },
    { name: '@cstar/webhooks constructEvent (+ parse)', ours: true, fn: () => ours.constructEvent(buf, header, SECRET).type === 'ticket.created' },
    { name: 'stripe webhooks.signature.verifyHeader', fn: () => stripe.webhooks.signature.verifyHeader(buf, header, SECRET, 300) },
    { name: '@octokit/webhooks-methods verify (sha256=)', async: true, legacyPeer: true, fn: () => octokitVerify(SECRET, text, legacy) },
    { name: 'standardwebhooks Webhook.verify', fn: () => (sw.verify(buf, swHeaders, { jsonParse: false }), true) },
    { name: 'svix Webhook.verify', fn: () => (svix.verify(buf, swHeaders), true) },
    { name: 'node:crypto createHmac+timingSafeEqual', fn: () => plainNode(buf, header, SECRET) },
  ]
}

async function check(c) {
  const ok = c.async ? await c.fn() : c.fn()
  if (!ok) throw new Error(`${c.name} does not accept its input`)
}

/** Runs `c` for about MS milliseconds; returns ops/s. */
async function time(c) {
  let n = 0
  const batch = 64
  const start = process.hrtime.bigint()
  const deadline = start + BigInt(MS) * 1_000_000n
  let end
  do {
    if (c.async) for (let i = 0; i < batch; i++) await c.fn()
    else for (let i = 0; i < batch; i++) c.fn()
    n += batch
    end = process.hrtime.bigint()
  } while (end < deadline)
  return n / (Number(end - start) / 1e9)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (x) => Math.round(x).toLocaleString('en-US')

console.log(`node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, ${ROUNDS} rounds x ${MS} ms`)
const results = {}
for (const size of [1024, 64 * 1024]) {
  const list = cases(size)
  for (const c of list) {
    await check(c)
    await time({ ...c }) // warm-up
  }
  const samples = new Map(list.map((c) => [c.name, []]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of list) samples.get(c.name).push(await time(c))
  }
  const label = size === 1024 ? '1 KiB' : '64 KiB'
  const rows = list.map((c) => ({ ...c, ops: median(samples.get(c.name)) }))
  results[label] = rows
  const v1 = rows.find((r) => r.ours && !r.legacy)
  const legacy = rows.find((r) => r.legacy)
  console.log(`\n${label} body`)
  console.log(`${'implementation'.padEnd(44)} ${'ops/s'.padStart(12)}  ours ÷ it`)
  for (const r of rows) {
    const base = r.legacyPeer ? legacy : v1
    const ratio = r.ours ? (r === v1 ? '(baseline)' : '') : `${(base.ops / r.ops).toFixed(2)}x${r.legacyPeer ? ' (vs our legacy)' : ''}`
    console.log(`${r.name.padEnd(44)} ${fmt(r.ops).padStart(12)}  ${ratio}`)
  }
  const peers = rows.filter((r) => !r.ours && !r.name.startsWith('node:crypto'))
  const fastest = peers.reduce((a, b) => (a.ops > b.ops ? a : b))
  const fastestBase = fastest.legacyPeer ? legacy : v1
  console.log(`fastest peer: ${fastest.name} -> ours is ${(fastestBase.ops / fastest.ops).toFixed(2)}x`)
}
