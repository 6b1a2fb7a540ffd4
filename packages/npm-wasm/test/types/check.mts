// Type-checks the shared declarations as an edge/browser user sees them: lib es2022 only,
// no DOM and no Node types (`types: []`) — the package needs neither.
import {
  constructEvent,
  diagnose,
  ERROR_CODES,
  generateTestHeaders,
  init,
  initSync,
  isWebhookVerificationError,
  parseHeaders,
  retrySchedule,
  samplePayload,
  sign,
  verify,
  WebhookVerificationError,
  type Event,
  isEventType,
  MemoryIdempotencyStore,
  processOnce,
  type VerifyErrorCode,
} from '../../index.js'
import { init as initWeb } from '../../web.js'

const body: Uint8Array = new Uint8Array([123, 125])
const header: string = sign(body, ['whsec_a', 'whsec_b'], { timestamp: 1711800000 })
const v = verify(body, header, 'whsec_a', { now: 1711800000, tolerance: 300, allowLegacy: false })
const index: number = v.secretIndex
const t: number | null = v.timestamp

try {
  const event: Event = constructEvent('{}', header, 'whsec_a')
  const id: string = event.id
  if (isEventType(event, 'ticket.created')) {
    const prefixed: string = event.data.ticket.prefixed_id
    void prefixed
  }
  void id
} catch (e) {
  if (e instanceof WebhookVerificationError) {
    const code: VerifyErrorCode = e.code
    void code
  }
  if (isWebhookVerificationError(e)) void e.code
}

const codes: readonly VerifyErrorCode[] = ERROR_CODES
const d = diagnose(body, header, 'whsec_a')
if (!d.ok) for (const c of d.causes) void c.explanation
const h = parseHeaders([['x-signature', header]])
const delays: number[] = retrySchedule()
const headers: Record<string, string> = generateTestHeaders(body, 'whsec_a')
void samplePayload('ticket.created')
void [index, t, codes, h.signature, delays, headers]
void init().then(() => initWeb())
initSync()
const store = new MemoryIdempotencyStore({ ttlSeconds: 60 })
void processOnce(store, 'evt_1', async () => 1)
