// Sends a signed sample event to the running receiver, like cStar's "Test" button:
//   CSTAR_WEBHOOK_SECRET=whsec_… node send-test.mjs [event type] [url]
import { generateTestHeaders, samplePayload, EVENT_TYPES } from '@cstar/webhooks'

const secret = process.env.CSTAR_WEBHOOK_SECRET?.split(/\s+/)[0]
const type = process.argv[2] || 'ticket.created'
const url = process.argv[3] || `http://localhost:${process.env.PORT || 3000}/webhooks/cstar`
if (!secret) throw new Error('Set CSTAR_WEBHOOK_SECRET')
if (!EVENT_TYPES.includes(type)) throw new Error(`unknown type ${type}; one of: ${EVENT_TYPES.join(', ')}`)

const body = JSON.stringify(samplePayload(type), null, 2)
const response = await fetch(url, { method: 'POST', body, headers: generateTestHeaders(body, secret) })
console.log(response.status, await response.text())
