// The receiver: verify, de-duplicate, answer 200 fast, work afterwards.
import express from 'express'
import { webhookMiddleware } from '@cstar/webhooks/express'
import { MemoryIdempotencyStore, isKnownEvent } from '@cstar/webhooks'

/**
 * Builds the Express app.
 *
 * @param {object} options
 * @param {string | string[]} options.secret  the webhook's signing secret (two during a rotation)
 * @param {(event: import('@cstar/webhooks').Event) => Promise<void>} options.work  what to do with an event
 * @param {import('@cstar/webhooks').IdempotencyStore} [options.store]  handled event ids (use Redis with several processes)
 */
export function createApp({ secret, work, store = new MemoryIdempotencyStore(), log = console }) {
  const app = express()
  const queue = []
  let draining = false

  // Work happens after the 200: cStar waits 10 s at most, and retries what fails or times out.
  async function drain() {
    if (draining) return
    draining = true
    while (queue.length > 0) {
      const event = queue.shift()
      try {
        await work(event)
      } catch (error) {
        // The 200 is sent: cStar will not redeliver. Log it, or move it to a dead-letter store.
        log.error(`work failed for ${event.id}:`, error)
      }
    }
    draining = false
  }

  // 1. Verify. The middleware reads the raw body itself, so this route is declared before any
  //    app.use(express.json()). Failures answer 400 {code, message} and never reach the handler.
  app.post('/webhooks/cstar', webhookMiddleware({ secret }), async (req, res) => {
    const { event, headers, verified } = req.webhook
    if (verified.scheme === 'legacy') log.warn(`legacy sha256= signature for ${event.id}: ask the sender to move to v1`)
    if (verified.secretIndex > 0) log.warn('signed with the old secret of a rotation')

    // 2. De-duplicate: delivery is at-least-once, a retry repeats the event id.
    if (!(await store.claim(event.id, 72 * 3600))) {
      res.status(200).json({ received: true, duplicate: true })
      return
    }

    // 3. Answer fast.
    res.status(200).json({ received: true })

    // 4. Work afterwards. Types this version does not know are acknowledged and skipped.
    if (!isKnownEvent(event)) {
      log.info(`ignoring unknown event type ${event.type}`)
      return
    }
    log.info(`accepted ${event.type} ${event.id} (attempt ${headers.attempt ?? '?'})`)
    queue.push(event)
    setImmediate(drain)
  })

  // The rest of the app can parse JSON as usual.
  app.use(express.json())
  app.get('/health', (req, res) => res.json({ ok: true }))
  return app
}

/** What this example does with each event. */
export async function work(event) {
  switch (event.type) {
    case 'ticket.created':
      console.log(`new ticket ${event.data.ticket.prefixed_id}: ${event.data.ticket.title}`)
      break
    case 'ticket.assigned':
      console.log(`ticket ${event.data.ticket.prefixed_id} assigned to ${event.data.ticket.assignee_id}`)
      break
    case 'gamification.level_up':
      console.log(`${event.data.agent.name} reached level ${event.data.level.current}`)
      break
    default:
      console.log(`${event.type} ${event.id}`)
  }
}
