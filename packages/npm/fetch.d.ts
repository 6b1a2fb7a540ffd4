/**
 * `@cstar/webhooks/fetch`: verification for Fetch-API handlers: Next.js route handlers
 * (Node.js runtime), Bun, Deno (`npm:` specifiers), Hono and other `Request` → `Response`
 * frameworks.
 *
 * @example Next.js (`app/api/webhooks/route.ts`)
 * ```ts
 * import { webhookHandler } from '@cstar/webhooks/fetch'
 *
 * export const POST = webhookHandler({ secret: process.env.CSTAR_WEBHOOK_SECRET! }, async (event) => {
 *   if (event.type === 'ticket.created') { … }
 *   // returning nothing answers 200 {"received":true}
 * })
 * ```
 *
 * @packageDocumentation
 */
import type { Event } from './index'
import type { AdapterOptions, WebhookContext } from './_adapter'

/** The options, context and failure-body types shared by every adapter. */
export type { AdapterOptions, WebhookContext, WebhookFailureBody } from './_adapter'

/** Options of {@link verifyRequest} and {@link webhookHandler}. */
export interface FetchWebhookOptions extends AdapterOptions {}

/**
 * Reads the request's raw body (do not read it before), verifies the `X-Signature` and
 * parses the event.
 *
 * @throws {@link WebhookVerificationError} when verification fails: answer with
 *   {@link webhookErrorResponse}.
 * @throws `TypeError` (`code: 'invalid_argument'`) when the body was already read.
 */
export declare function verifyRequest(request: Request, options: FetchWebhookOptions): Promise<WebhookContext>

/**
 * The `Response` for an error of {@link verifyRequest}: `400 { code, message }` for a
 * verification failure, `413` for a body over the limit. Rethrows any other error.
 */
export declare function webhookErrorResponse(error: unknown): Response

/** Everything {@link webhookHandler} passes to your handler besides the event. */
export interface FetchHandlerContext extends WebhookContext {
  /** The original request (its body is consumed). */
  request: Request
}

/**
 * Wraps your handler into a `(request) => Promise<Response>` route handler. Failed
 * verifications answer `400 { code, message }` without calling it. A handler that returns a
 * `Response` sends it; any other value is sent as JSON with `200` (nothing: `{"received":true}`).
 */
export declare function webhookHandler<Rest extends unknown[] = unknown[]>(
  options: FetchWebhookOptions,
  handler: (event: Event, context: FetchHandlerContext, ...rest: Rest) => unknown,
): (request: Request, ...rest: Rest) => Promise<Response>
