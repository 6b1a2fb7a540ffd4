// Types of the ESM entry (./index.mjs): the same as the CommonJS entry.
export * from './index.js'
