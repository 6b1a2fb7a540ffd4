// Types of the ESM entry (./idempotency.mjs): the same as the CommonJS entry.
export * from './idempotency.js'
