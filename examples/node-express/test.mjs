// The example works end to end: a signed delivery is accepted once, worked on, and a
// redelivery is recognised; a bad signature gets 400 and no work.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { generateTestHeaders, samplePayload } from '@cstar/webhooks'
import { createApp } from './app.mjs'

const SECRET = 'whsec_exampleExampleExampleExample00'
const quiet = { info() {}, warn() {}, error() {} }

test('verify, de-duplicate, answer 200, work afterwards', async () => {
  const done = []
  const app = createApp({ secret: SECRET, work: async (event) => done.push(event.id), log: quiet })
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${server.address().port}/webhooks/cstar`
  try {
    const body = JSON.stringify(samplePayload('ticket.created'), null, 2)
    const send = (headers) => fetch(url, { method: 'POST', body, headers }).then(async (r) => [r.status, await r.json()])

    assert.deepEqual(await send(generateTestHeaders(body, SECRET)), [200, { received: true }])
    assert.deepEqual(await send(generateTestHeaders(body, SECRET, { attempt: 2 })), [200, { received: true, duplicate: true }])
    const [status, failure] = await send(generateTestHeaders(body, 'whsec_wrong'))
    assert.equal(status, 400)
    assert.equal(failure.code, 'no_matching_signature')

    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.deepEqual(done, [JSON.parse(body).id])
    assert.deepEqual(await fetch(url.replace('/webhooks/cstar', '/health')).then((r) => r.json()), { ok: true })
  } finally {
    server.close()
  }
})
