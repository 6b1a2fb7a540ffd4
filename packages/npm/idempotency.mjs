// ESM entry: the same objects as ./idempotency.js (CommonJS), re-exported by name.
import cjs from './idempotency.js'

export const {
  MemoryIdempotencyStore,
  processOnce,
  DEFAULT_IDEMPOTENCY_TTL,
} = cjs
