// ESM entry: the same objects as ./express.js (CommonJS), re-exported by name.
import cjs from './express.js'

export const {
  webhookMiddleware,
  cstarWebhooks,
} = cjs
