/**
 * `@cstar/webhooks/idempotency`: process each event once.
 *
 * cStar delivers at least once: a retry or a manual replay repeats the event's `id`
 * (also in the `X-Event-ID` header). Record the ids you have handled and skip repeats.
 * {@link MemoryIdempotencyStore} suits a single process; implement {@link IdempotencyStore}
 * over Redis (or your database) when several processes receive webhooks.
 *
 * @example Redis (node-redis v4)
 * ```ts
 * const redisStore: IdempotencyStore = {
 *   async claim(key, ttlSeconds) {
 *     return (await redis.set(`cstar:evt:${key}`, '1', { NX: true, EX: Math.ceil(ttlSeconds) })) === 'OK'
 *   },
 *   async release(key) { await redis.del(`cstar:evt:${key}`) },
 * }
 * ```
 *
 * @packageDocumentation
 */

/** Where handled event ids are recorded. Implementations must make `claim` atomic. */
export interface IdempotencyStore {
  /**
   * Records `key` unless it is already recorded and not expired.
   *
   * @returns `true` when this call recorded it (process the event), `false` when it was
   *   already there (a duplicate: skip it).
   */
  claim(key: string, ttlSeconds: number): boolean | Promise<boolean>
  /** Forgets `key`, so that a redelivery is processed again (e.g. after a failure). */
  release(key: string): void | Promise<void>
}

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** How long an id is remembered, in seconds. Default {@link DEFAULT_IDEMPOTENCY_TTL}. */
  ttlSeconds?: number
  /** At most this many ids are kept (the oldest are dropped first). Default 100 000. */
  maxEntries?: number
  /** The clock, in milliseconds since the epoch (for tests). Default `Date.now`. */
  now?: () => number
}

/**
 * How long ids are remembered by default: 72 hours, longer than a delivery's retry span
 * (7 attempts over 31 h 12 min 30 s) with room for a manual replay.
 */
export declare const DEFAULT_IDEMPOTENCY_TTL: number

/** An in-memory {@link IdempotencyStore} with a TTL, for a single process. */
export declare class MemoryIdempotencyStore implements IdempotencyStore {
  /** @param options - TTL, size bound and clock. */
  constructor(options?: MemoryIdempotencyStoreOptions)
  /** {@inheritDoc IdempotencyStore.claim} */
  claim(key: string, ttlSeconds?: number): boolean
  /** {@inheritDoc IdempotencyStore.release} */
  release(key: string): void
  /** Whether `key` is recorded and not expired. */
  has(key: string): boolean
  /** How many unexpired ids are recorded. */
  readonly size: number
  /** Forgets every id. */
  clear(): void
}

/** Options of {@link processOnce}. */
export interface ProcessOnceOptions {
  /** How long the id is remembered, in seconds. Default {@link DEFAULT_IDEMPOTENCY_TTL}. */
  ttlSeconds?: number
}

/** What {@link processOnce} did. */
export type ProcessOnceResult<R> = { duplicate: true } | { duplicate: false; result: R }

/**
 * Runs `handler` unless `key` (the event id) was already claimed. If the handler throws,
 * the key is released, so that cStar's next retry is processed again, and the error is
 * rethrown.
 *
 * @example
 * ```ts
 * const { duplicate } = await processOnce(store, event.id, () => handle(event))
 * ```
 */
export declare function processOnce<R>(
  store: IdempotencyStore,
  key: string,
  handler: () => R | Promise<R>,
  options?: ProcessOnceOptions,
): Promise<ProcessOnceResult<Awaited<R>>>
