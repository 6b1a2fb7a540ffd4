// Types of the ESM entry (./fastify.mjs): the same as the CommonJS entry.
export * from './fastify.js'
export { default } from './fastify.js'
