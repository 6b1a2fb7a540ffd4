'use strict'
// De-duplication of deliveries by event id (delivery is at-least-once: a redelivery repeats
// the event's id). Types and documentation: idempotency.d.ts.

/**
 * 72 hours: longer than a delivery's whole retry span (7 attempts over 31 h 12 min 30 s),
 * with room for a manual replay the next day.
 */
const DEFAULT_IDEMPOTENCY_TTL = 72 * 3600

function argumentError(message, Kind = TypeError) {
  const error = new Kind(message)
  error.code = 'invalid_argument'
  return error
}

function keyArg(key) {
  if (typeof key !== 'string' || key.length === 0) {
    throw argumentError(`the idempotency key must be a non-empty string (the event id), got ${typeof key}`)
  }
  return key
}

function ttlArg(ttlSeconds, fallback) {
  if (ttlSeconds === undefined) return fallback
  if (typeof ttlSeconds !== 'number' || !(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
    throw argumentError(`ttlSeconds must be a positive number of seconds, got ${ttlSeconds}`, RangeError)
  }
  return ttlSeconds
}

class MemoryIdempotencyStore {
  #entries = new Map() // key -> expiry (ms since epoch); Map keeps insertion order
  #ttl
  #maxEntries
  #now

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw argumentError('options must be an object')
    }
    this.#ttl = ttlArg(options.ttlSeconds, DEFAULT_IDEMPOTENCY_TTL)
    const max = options.maxEntries === undefined ? 100_000 : options.maxEntries
    if (!Number.isSafeInteger(max) || max < 1) {
      throw argumentError(`maxEntries must be a whole number >= 1, got ${max}`, RangeError)
    }
    this.#maxEntries = max
    const now = options.now === undefined ? Date.now : options.now
    if (typeof now !== 'function') throw argumentError('now must be a function returning milliseconds')
    this.#now = now
  }

  claim(key, ttlSeconds) {
    keyArg(key)
    const ttl = ttlArg(ttlSeconds, this.#ttl)
    const now = this.#now()
    const expiry = this.#entries.get(key)
    if (expiry !== undefined && expiry > now) {
      return false
    }
    this.#entries.delete(key)
    this.#sweep(now, 1)
    this.#entries.set(key, now + ttl * 1000)
    return true
  }

  release(key) {
    this.#entries.delete(keyArg(key))
  }

  has(key) {
    const expiry = this.#entries.get(keyArg(key))
    return expiry !== undefined && expiry > this.#now()
  }

  get size() {
    this.#sweep(this.#now(), 0)
    return this.#entries.size
  }

  clear() {
    this.#entries.clear()
  }

  /** Drops expired entries (the oldest first), and the oldest ones until `room` entries are free. */
  #sweep(now, room) {
    for (const [key, expiry] of this.#entries) {
      if (expiry > now && this.#entries.size + room <= this.#maxEntries) break
      this.#entries.delete(key)
    }
  }
}

async function processOnce(store, key, handler, options = {}) {
  if (!store || typeof store.claim !== 'function' || typeof store.release !== 'function') {
    throw argumentError('store must implement claim(key, ttlSeconds) and release(key)')
  }
  if (typeof handler !== 'function') throw argumentError('handler must be a function')
  const ttl = ttlArg(options === null ? undefined : options.ttlSeconds, DEFAULT_IDEMPOTENCY_TTL)
  if (!(await store.claim(keyArg(key), ttl))) {
    return { duplicate: true }
  }
  try {
    return { duplicate: false, result: await handler() }
  } catch (e) {
    // Forget the key so that the next redelivery is processed again.
    await store.release(key)
    throw e
  }
}

module.exports = { MemoryIdempotencyStore, processOnce, DEFAULT_IDEMPOTENCY_TTL }
