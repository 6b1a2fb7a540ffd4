/**
 * `@cstar/webhooks/express`: middleware for Express 4/5 (and plain `node:http`) that reads
 * the raw body itself, verifies the `X-Signature`, parses the event, and only then calls
 * your handler, with `req.webhook` (and `req.body` = the event).
 *
 * On a failed verification it answers `400` with `{ code, message }` and never calls the
 * handler; a body over `limit` gets `413`. When a body parser such as `express.json()` ran
 * before it (the raw bytes are gone), it passes an error with `code: 'body_already_parsed'`
 * (status 500) to `next` and explains how to mount it.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { webhookMiddleware } from '@cstar/webhooks/express'
 *
 * const app = express()
 * // Before app.use(express.json()): the middleware needs the raw body.
 * app.post('/webhooks/cstar', webhookMiddleware({ secret: process.env.CSTAR_WEBHOOK_SECRET! }), (req, res) => {
 *   const { event } = req.webhook!
 *   res.sendStatus(200)
 * })
 * app.use(express.json())
 * ```
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Event } from './index'
import type { AdapterOptions, WebhookContext } from './_adapter'

/** The options, context and failure-body types shared by every adapter. */
export type { AdapterOptions, WebhookContext, WebhookFailureBody } from './_adapter'

/** Options of {@link webhookMiddleware}. */
export interface WebhookMiddlewareOptions extends AdapterOptions {}

/** A request the middleware has verified. */
export interface WebhookRequest extends IncomingMessage {
  /** The verification result, set before your handler runs. */
  webhook?: WebhookContext
  /** Replaced by the parsed event. */
  body?: Event | unknown
}

/** A connect-style middleware (Express 4/5, `node:http` with a `next` callback). */
export type WebhookMiddleware = (
  req: IncomingMessage & { body?: unknown; webhook?: WebhookContext },
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

/** Creates the middleware. Throws at once for a missing or empty secret. */
export declare function webhookMiddleware(options: WebhookMiddlewareOptions): WebhookMiddleware

/** Alias of {@link webhookMiddleware}. */
export declare const cstarWebhooks: typeof webhookMiddleware

declare global {
  // With @types/express installed, `req.webhook` is typed in your handlers.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `webhookMiddleware` before your handler runs. */
      webhook?: WebhookContext
    }
  }
}
