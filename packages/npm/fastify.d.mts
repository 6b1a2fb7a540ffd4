// Types of the ESM entry (./fastify.mjs): the same as the CommonJS entry.
import { cstarWebhooks } from './fastify.js'

export * from './fastify.js'
export default cstarWebhooks
