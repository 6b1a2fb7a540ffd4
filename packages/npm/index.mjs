// ESM entry: the same objects as ./index.js (CommonJS), re-exported by name.
import cjs from './index.js'

export const {
  verify,
  constructEvent,
  parseEvent,
  sign,
  signLegacy,
  generateTestHeaders,
  parseHeaders,
  diagnose,
  flatten,
  samplePayload,
  retrySchedule,
  catalog,
  eventTypeInfo,
  WebhookVerificationError,
  isWebhookVerificationError,
  ERROR_CODES,
  CAUSE_CODES,
  EVENT_TYPES,
  DEFAULT_TOLERANCE,
  INVALID_ARGUMENT,
  MemoryIdempotencyStore,
  processOnce,
  DEFAULT_IDEMPOTENCY_TTL,
} = cjs
