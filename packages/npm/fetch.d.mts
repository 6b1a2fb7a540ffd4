// Types of the ESM entry (./fetch.mjs): the same as the CommonJS entry.
export * from './fetch.js'
