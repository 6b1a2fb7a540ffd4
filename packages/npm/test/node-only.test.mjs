// What only the native Node package has: Buffer inputs, its entry points, the idempotency helper.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from '@cstar/webhooks'
import * as idempotencyEsm from '@cstar/webhooks/idempotency'

const require = createRequire(import.meta.url)
const cjs = require('@cstar/webhooks')
const { verify, constructEvent, sign, signLegacy, samplePayload, MemoryIdempotencyStore, processOnce, DEFAULT_IDEMPOTENCY_TTL } = cjs

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const T = 1774866600

describe('entry points', () => {
  test('ESM and CommonJS expose the same objects', () => {
    const names = Object.keys(cjs).sort()
    assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), names)
    for (const name of names) assert.equal(esm[name], cjs[name], name)
  })

  test('every sub-path resolves in both module systems to the same objects', async () => {
    for (const sub of ['express', 'fastify', 'fetch', 'idempotency']) {
      const c = require(`@cstar/webhooks/${sub}`)
      const m = await import(`@cstar/webhooks/${sub}`)
      const names = Object.keys(c).filter((k) => k !== 'default')
      assert.ok(names.length > 0)
      for (const name of names) assert.equal(m[name], c[name], `${sub}.${name}`)
    }
    assert.equal((await import('@cstar/webhooks/fastify')).default, require('@cstar/webhooks/fastify').cstarWebhooks)
    assert.equal(idempotencyEsm.MemoryIdempotencyStore, MemoryIdempotencyStore)
  })

  test('the native addon is loaded (not a WASI fallback)', () => {
    assert.equal(require('../binding.js').__napiBindingTarget, 'native')
  })
})

describe('Buffer inputs', () => {
  test('Buffers (also slices of a pooled Buffer) verify', () => {
    const body = Buffer.from(samplePayload('customer.created').raw)
    const header = sign(body, SECRET, { timestamp: T })
    assert.equal(verify(body, header, SECRET, { now: T }).scheme, 'v1')
    const pooled = Buffer.concat([Buffer.from('xxxx'), body, Buffer.from('yyyy')])
    assert.equal(verify(pooled.subarray(4, 4 + body.length), header, SECRET, { now: T }).secretIndex, 0)
    assert.equal(verify(body, signLegacy(body, SECRET), SECRET).scheme, 'legacy')
    const event = constructEvent(body, header, SECRET, { now: T })
    assert.equal(event.raw, body.toString('utf8'))
    assert.equal(sign(body, SECRET, { timestamp: T }), sign(body.toString(), SECRET, { timestamp: T }))
  })

  test('a 1 MiB Buffer', () => {
    const body = Buffer.alloc(1024 * 1024, 'a')
    const header = sign(body, SECRET, { timestamp: T })
    assert.equal(verify(body, header, SECRET, { now: T }).timestamp, T)
  })
})

describe('idempotency', () => {
  test('claims an id once until its TTL expires', () => {
    let now = 1_000_000
    const store = new MemoryIdempotencyStore({ ttlSeconds: 60, now: () => now })
    assert.equal(store.claim('evt_1'), true)
    assert.equal(store.claim('evt_1'), false)
    assert.equal(store.has('evt_1'), true)
    assert.equal(store.claim('evt_2'), true)
    assert.equal(store.size, 2)
    now += 60_000
    assert.equal(store.has('evt_1'), false)
    assert.equal(store.claim('evt_1'), true, 'expired ids can be claimed again')
    store.release('evt_1')
    assert.equal(store.claim('evt_1'), true)
    assert.equal(store.claim('evt_3', 1), true)
    now += 1000
    assert.equal(store.claim('evt_3'), true, 'a per-claim TTL')
    store.clear()
    assert.equal(store.size, 0)
  })

  test('stays within maxEntries, dropping the oldest first', () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3 })
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(store.claim(id), true)
    assert.equal(store.size, 3)
    assert.equal(store.has('a'), false)
    assert.equal(store.has('d'), true)
  })

  test('processOnce runs a handler once per id and releases the id when it fails', async () => {
    const store = new MemoryIdempotencyStore()
    let runs = 0
    assert.deepEqual(await processOnce(store, 'evt_1', () => ++runs), { duplicate: false, result: 1 })
    assert.deepEqual(await processOnce(store, 'evt_1', () => ++runs), { duplicate: true })
    assert.equal(runs, 1)
    await assert.rejects(processOnce(store, 'evt_2', async () => { throw new Error('boom') }), /boom/)
    assert.deepEqual(await processOnce(store, 'evt_2', async () => 'second try'), { duplicate: false, result: 'second try' })
  })

  test('works with an async store (the Redis shape)', async () => {
    const keys = new Map()
    const redisLike = {
      async claim(key, ttl) {
        if (keys.has(key)) return false
        keys.set(key, ttl)
        return true
      },
      async release(key) {
        keys.delete(key)
      },
    }
    assert.equal((await processOnce(redisLike, 'evt_9', () => 'x')).duplicate, false)
    assert.equal((await processOnce(redisLike, 'evt_9', () => 'x')).duplicate, true)
    assert.equal(keys.get('evt_9'), DEFAULT_IDEMPOTENCY_TTL)
    assert.ok(DEFAULT_IDEMPOTENCY_TTL > 31 * 3600 + 12 * 60 + 30, 'longer than the retry span')
  })

  test('bad arguments', async () => {
    const store = new MemoryIdempotencyStore()
    assert.throws(() => store.claim(''), { code: 'invalid_argument' })
    assert.throws(() => store.claim(42), { code: 'invalid_argument' })
    assert.throws(() => store.claim('a', -1), { code: 'invalid_argument' })
    assert.throws(() => new MemoryIdempotencyStore({ ttlSeconds: 0 }), { code: 'invalid_argument' })
    assert.throws(() => new MemoryIdempotencyStore({ maxEntries: 0 }), { code: 'invalid_argument' })
    await assert.rejects(processOnce({}, 'a', () => {}), { code: 'invalid_argument' })
    await assert.rejects(processOnce(store, 'a'), { code: 'invalid_argument' })
  })
})
