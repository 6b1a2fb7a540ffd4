/**
 * `@cstar/webhooks/fastify`: a Fastify plugin that registers your webhook route with a
 * raw-body content-type parser (scoped to the plugin: the rest of your app keeps its JSON
 * parser), verifies the `X-Signature`, parses the event and only then calls `handler`.
 *
 * On a failed verification it answers `400` with `{ code, message }` and never calls the
 * handler. When the handler returns nothing and sends nothing, the answer is `200
 * {"received":true}`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import cstarWebhooks from '@cstar/webhooks/fastify'
 *
 * const app = Fastify()
 * await app.register(cstarWebhooks, {
 *   path: '/webhooks/cstar',
 *   secret: process.env.CSTAR_WEBHOOK_SECRET!,
 *   handler: async (event) => { if (event.type === 'ticket.created') { … } },
 * })
 * ```
 *
 * @packageDocumentation
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from './index'
import type { AdapterOptions, WebhookContext } from './_adapter'

/** The options, context and failure-body types shared by every adapter. */
export type { AdapterOptions, WebhookContext, WebhookFailureBody } from './_adapter'

/** Options of the {@link cstarWebhooks} plugin. */
export interface CstarWebhooksFastifyOptions extends AdapterOptions {
  /** The route's path. Default `/webhooks`. */
  path?: string
  /**
   * Called with the verified event. Its return value is the response body (default
   * `{ received: true }`), unless it sends a reply itself.
   */
  handler: (event: Event, request: FastifyRequest & { webhook: WebhookContext }, reply: FastifyReply) => unknown
}

/** The plugin: `app.register(cstarWebhooks, { path, secret, handler })`. */
export declare const cstarWebhooks: FastifyPluginAsync<CstarWebhooksFastifyOptions>
export default cstarWebhooks

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `@cstar/webhooks/fastify` plugin on its route before the handler runs. */
    webhook: WebhookContext | null
  }
}
