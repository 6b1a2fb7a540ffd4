// Types of the ESM entry (./express.mjs): the same as the CommonJS entry.
export * from './express.js'
