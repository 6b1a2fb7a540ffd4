// Compiled with `tsc -p test/types` (strict, node16 resolution, ESM): the declarations are
// usable as documented, `event.type` and `error.code` narrow, and misuse is a type error.
import {
  verify,
  constructEvent,
  parseEvent,
  sign,
  signLegacy,
  generateTestHeaders,
  parseHeaders,
  diagnose,
  flatten,
  samplePayload,
  retrySchedule,
  catalog,
  eventTypeInfo,
  WebhookVerificationError,
  isWebhookVerificationError,
  ERROR_CODES,
  EVENT_TYPES,
  MemoryIdempotencyStore,
  processOnce,
  isKnownEvent,
  isEventType,
  type Event,
  type Verified,
  type VerifyErrorCode,
  type IdempotencyStore,
} from '@cstar/webhooks'
import { webhookMiddleware } from '@cstar/webhooks/express'
import cstarWebhooks from '@cstar/webhooks/fastify'
import { verifyRequest, webhookHandler, webhookErrorResponse } from '@cstar/webhooks/fetch'
import express from 'express'
import Fastify from 'fastify'

declare const body: Buffer
const secret = 'whsec_x'

const verified: Verified = verify(body, 't=1,v1=00', [secret, 'whsec_old'], { tolerance: 600, allowLegacy: false, now: 1 })
const scheme: 'v1' | 'legacy' = verified.scheme
const ts: number | null = verified.timestamp
verify(new Uint8Array(0), undefined, secret)
verify('text', ['a', 'b'], secret)
// @ts-expect-error a parsed object is not a payload
verify({ id: 'evt' }, 'x', secret)
// @ts-expect-error secrets are strings
verify(body, 'x', 42)
// @ts-expect-error unknown option
verify(body, 'x', secret, { tolerence: 5 })

function describeEvent(event: Event): string {
  if (!isKnownEvent(event)) {
    // Unknown types: the raw JSON is still there.
    const t: string = event.type
    return `${t} ${event.raw.length} ${Object.keys(event.data).join()}`
  }
  switch (event.type) {
    case 'ticket.created':
    case 'ticket.resolved': {
      const title: string = event.data.ticket.title
      const email: string | undefined = event.data.customer?.email
      return `${title} ${email ?? ''}`
    }
    case 'customer.deleted':
      return event.data.customer.email
    case 'article.published':
      return event.data.article.slug
    case 'gamification.boss_defeated':
      return `${event.data.boss.hp} ${event.data.agent.name}`
    case 'gamification.level_up': {
      const level: number = event.data.level.current
      return String(level)
    }
    default:
      return event.type
  }
}
describeEvent(constructEvent(body, null, secret))
describeEvent(parseEvent('{}'))
const parsed = parseEvent('{}')
if (parsed.type === 'ticket.merged') {
  // comparing with a type outside the catalog is fine
}
if (isEventType(parsed, 'customer.created', 'customer.updated')) {
  const email: string = parsed.data.customer.email
  void email
}
// @ts-expect-error not a catalog type
isEventType(parsed, 'ticket.merged')

const sample = samplePayload('gamification.badge_earned')
const badge: string = sample.data.badge.name
const maybe: Event | undefined = samplePayload('ticket.merged' as string)

try {
  verify(body, null, secret)
} catch (e) {
  if (e instanceof WebhookVerificationError) {
    const code: VerifyErrorCode = e.code
    if (e.code === 'timestamp_too_old') {
      const status: 400 = e.statusCode
      void status
    }
    // @ts-expect-error not a core code
    if (e.code === 'timestamp_expired') void 0
    void code
  }
  if (isWebhookVerificationError(e)) {
    const c: VerifyErrorCode = e.code
    void c
  }
}

const header: string = sign(body, [secret], { timestamp: 1 })
const legacy: string = signLegacy('x', secret)
const testHeaders: Record<string, string> = generateTestHeaders(body, secret, { attempt: 2, webhookId: 'whk_1' })
const h = parseHeaders(testHeaders)
const attempt: number | null = h.attempt
parseHeaders(new Headers())
parseHeaders(new Map([['x-signature', 'a']]))
declare const incoming: import('node:http').IncomingHttpHeaders
parseHeaders(incoming)

const d = diagnose(body, header, secret, { now: 1 })
if (d.ok) {
  const v: Verified = d.verified
  void v
} else {
  const code: VerifyErrorCode = d.code
  const causes: string[] = d.causes.map((c) => `${c.code}: ${c.explanation} ${c.seconds ?? ''}`)
  void code
  void causes
}
const flat: Record<string, unknown> = flatten(sample)
const delays: number[] = retrySchedule()
const types: readonly string[] = EVENT_TYPES
const codes: readonly VerifyErrorCode[] = ERROR_CODES
const family: string = catalog()[0]!.family + eventTypeInfo('x').label

const store: IdempotencyStore = new MemoryIdempotencyStore({ ttlSeconds: 3600 })
async function once(event: Event): Promise<boolean> {
  const r = await processOnce(store, event.id, async () => 42)
  return r.duplicate ? false : r.result === 42
}

const app = express()
app.post('/webhooks', webhookMiddleware({ secret, tolerance: 300 }), (req, res) => {
  const { event, verified: v, headers } = req.webhook!
  res.json({ type: event.type, index: v.secretIndex, attempt: headers.attempt })
})
// @ts-expect-error the secret is required
webhookMiddleware({})

const fastify = Fastify()
await fastify.register(cstarWebhooks, {
  path: '/webhooks',
  secret,
  handler: async (event, request) => ({ type: event.type, attempt: request.webhook.headers.attempt }),
})
fastify.get('/other', async (request) => ({ verified: request.webhook === null }))

export const POST = webhookHandler({ secret }, async (event, context) => {
  if (isEventType(event, 'ticket.created')) return { id: event.data.ticket.id, at: context.verified.timestamp }
  return undefined
})
export async function GET(request: Request): Promise<Response> {
  try {
    const { event } = await verifyRequest(request, { secret, maxAge: 600 })
    return Response.json({ type: event.type })
  } catch (e) {
    return webhookErrorResponse(e)
  }
}

export const used = [scheme, ts, badge, maybe, legacy, attempt, flat, delays, types, codes, family, once]
