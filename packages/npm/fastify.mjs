// ESM entry: the same objects as ./fastify.js (CommonJS), re-exported by name.
import cjs from './fastify.js'

export const {
  cstarWebhooks,
} = cjs
export default cjs.cstarWebhooks
