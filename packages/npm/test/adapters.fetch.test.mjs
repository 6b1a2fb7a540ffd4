// @cstar/webhooks/fetch with Node's global Request and Response (as in Next.js route handlers).
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { verifyRequest, webhookHandler, webhookErrorResponse } from '@cstar/webhooks/fetch'
import { generateTestHeaders, samplePayload, WebhookVerificationError } from '@cstar/webhooks'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const BODY = JSON.stringify(samplePayload('article.published'), null, 2)

function request(body, headers) {
  return new Request('https://receiver.example/api/webhooks', { method: 'POST', body, headers })
}

describe('verifyRequest', () => {
  test('returns the event, verification and headers of a valid request', async () => {
    const result = await verifyRequest(request(BODY, generateTestHeaders(BODY, SECRET, { attempt: 7 })), { secret: SECRET })
    assert.equal(result.event.type, 'article.published')
    assert.equal(result.event.data.article.slug, 'reset-password')
    assert.equal(result.verified.scheme, 'v1')
    assert.equal(result.headers.attempt, 7)
    assert.equal(new TextDecoder().decode(result.rawBody), BODY)
  })

  test('reads streamed bodies in several chunks', async () => {
    const bytes = new TextEncoder().encode(BODY)
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7))
        controller.close()
      },
    })
    const req = new Request('https://x.example/', { method: 'POST', body: stream, duplex: 'half', headers: generateTestHeaders(BODY, SECRET) })
    assert.equal((await verifyRequest(req, { secret: SECRET })).event.id, JSON.parse(BODY).id)
  })

  test('rejects with WebhookVerificationError', async () => {
    await assert.rejects(verifyRequest(request(BODY, {}), { secret: SECRET }), (e) => {
      assert.ok(e instanceof WebhookVerificationError)
      assert.equal(e.code, 'missing_signature')
      return true
    })
    await assert.rejects(verifyRequest(request(BODY, generateTestHeaders(BODY, 'whsec_x')), { secret: SECRET }), {
      code: 'no_matching_signature',
    })
  })

  test('a body that was already read is a clear error', async () => {
    const req = request(BODY, generateTestHeaders(BODY, SECRET))
    await req.json()
    await assert.rejects(verifyRequest(req, { secret: SECRET }), { code: 'invalid_argument', message: /already read/ })
    await assert.rejects(verifyRequest({}, { secret: SECRET }), { code: 'invalid_argument' })
    await assert.rejects(verifyRequest(request(BODY, {}), {}), { code: 'invalid_argument', message: /secret/ })
  })

  test('the body limit answers 413', async () => {
    const err = await verifyRequest(request(BODY, generateTestHeaders(BODY, SECRET)), { secret: SECRET, limit: 16 }).catch((e) => e)
    assert.equal(err.code, 'payload_too_large')
    assert.equal(webhookErrorResponse(err).status, 413)
  })
})

describe('webhookHandler', () => {
  const seen = []
  const POST = webhookHandler({ secret: [SECRET, 'whsec_old'] }, async (event, context) => {
    seen.push(event)
    if (event.type === 'article.published') return { slug: event.data.article.slug, index: context.verified.secretIndex }
    return undefined
  })

  test('a valid request reaches the handler; its value is sent as JSON', async () => {
    const response = await POST(request(BODY, generateTestHeaders(BODY, 'whsec_old')))
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { slug: 'reset-password', index: 1 })
  })

  test('a Response from the handler is sent as is; nothing answers {received: true}', async () => {
    const custom = webhookHandler({ secret: SECRET }, () => new Response('ok', { status: 202 }))
    assert.equal((await custom(request(BODY, generateTestHeaders(BODY, SECRET)))).status, 202)
    const nothing = webhookHandler({ secret: SECRET }, () => {})
    const r = await nothing(request(BODY, generateTestHeaders(BODY, SECRET)))
    assert.deepEqual(await r.json(), { received: true })
  })

  test('failures answer 400 with the code and never call the handler', async () => {
    seen.length = 0
    for (const [code, headers] of [
      ['missing_signature', {}],
      ['malformed_signature', { 'x-signature': 'v1=' + 'a'.repeat(64) }],
      ['no_matching_signature', generateTestHeaders(BODY, 'whsec_wrong')],
      ['timestamp_too_old', generateTestHeaders(BODY, SECRET, { timestamp: 1000 })],
    ]) {
      const response = await POST(request(BODY, headers))
      assert.equal(response.status, 400)
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
      const body = await response.json()
      assert.equal(body.code, code)
      assert.equal(typeof body.message, 'string')
    }
    assert.equal(seen.length, 0)
  })

  test('set-up errors throw at once', () => {
    assert.throws(() => webhookHandler({ secret: '' }, () => {}), { code: 'invalid_argument' })
    assert.throws(() => webhookHandler({ secret: SECRET }), { code: 'invalid_argument' })
  })
})
