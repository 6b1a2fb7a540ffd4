// ESM entry: the same objects as ./fetch.js (CommonJS), re-exported by name.
import cjs from './fetch.js'

export const {
  verifyRequest,
  webhookHandler,
  webhookErrorResponse,
} = cjs
