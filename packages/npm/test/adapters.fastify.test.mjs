// @cstar/webhooks/fastify against a real Fastify server on loopback.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import cstarWebhooks from '@cstar/webhooks/fastify'
import { generateTestHeaders, samplePayload } from '@cstar/webhooks'
import { post } from './server.mjs'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const BODY = JSON.stringify(samplePayload('gamification.level_up'), null, 2)

describe('fastify plugin', () => {
  let app
  let url
  const events = []
  before(async () => {
    app = Fastify()
    await app.register(cstarWebhooks, {
      path: '/webhooks',
      secret: SECRET,
      handler: async (event, request) => {
        events.push({ event, webhook: request.webhook })
        if (event.type === 'gamification.level_up') return { level: event.data.level.current }
        return undefined
      },
    })
    await app.register(cstarWebhooks, {
      path: '/hooks/replying',
      secret: SECRET,
      limit: 100000,
      handler: async (event, request, reply) => {
        reply.code(202).send({ accepted: event.id })
      },
    })
    await app.register(cstarWebhooks, { path: '/hooks/default', secret: SECRET, handler: () => {} })
    app.post('/api/json', async (request) => ({ echo: request.body }))
    url = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  after(() => app.close())

  test('a valid delivery reaches the handler; its return value is the response', async () => {
    events.length = 0
    const r = await post(`${url}/webhooks`, BODY, generateTestHeaders(BODY, SECRET, { attempt: 4 }))
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(r.body, { level: 5 })
    assert.equal(events.length, 1)
    assert.equal(events[0].event.data.agent.name, 'Robin Okafor')
    assert.equal(events[0].webhook.headers.attempt, 4)
    assert.equal(events[0].webhook.verified.scheme, 'v1')
  })

  test('a handler may reply itself; returning nothing answers {received: true}', async () => {
    const replied = await post(`${url}/hooks/replying`, BODY, generateTestHeaders(BODY, SECRET))
    assert.equal(replied.status, 202)
    assert.deepEqual(replied.body, { accepted: JSON.parse(BODY).id })
    const plain = await post(`${url}/hooks/default`, BODY, generateTestHeaders(BODY, SECRET))
    assert.equal(plain.status, 200)
    assert.deepEqual(plain.body, { received: true })
  })

  test('the raw body is verified whatever the content type', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream']) {
      const r = await post(`${url}/hooks/default`, BODY, { ...generateTestHeaders(BODY, SECRET), 'Content-Type': type })
      assert.equal(r.status, 200, `${type}: ${r.text}`)
    }
  })

  test('failures answer 400 with the code and never call the handler', async () => {
    events.length = 0
    const now = Math.floor(Date.now() / 1000)
    const cases = [
      ['missing_signature', BODY, { 'content-type': 'application/json' }],
      ['missing_signature', undefined, {}],
      ['malformed_signature', BODY, { 'x-signature': 't=1' }],
      ['no_matching_signature', BODY.replace('Robin', 'Robyn'), generateTestHeaders(BODY, SECRET)],
      ['timestamp_too_old', BODY, generateTestHeaders(BODY, SECRET, { timestamp: now - 301 - 5 })],
      ['invalid_payload', '{}', generateTestHeaders('{}', SECRET)],
    ]
    for (const [code, body, headers] of cases) {
      const r = await post(`${url}/webhooks`, body, headers)
      assert.equal(r.status, 400, `${code}: ${r.text}`)
      assert.equal(r.body.code, code)
    }
    assert.equal(events.length, 0)
  })

  test('the JSON parser outside the plugin is untouched', async () => {
    const r = await post(`${url}/api/json`, '{"a":[1]}', { 'content-type': 'application/json' })
    assert.deepEqual(r.body, { echo: { a: [1] } })
  })

  test('a body over the limit is refused by Fastify with 413', async () => {
    const small = Fastify()
    await small.register(cstarWebhooks, { secret: SECRET, limit: 10, handler: () => assert.fail('not called') })
    const base = await small.listen({ port: 0, host: '127.0.0.1' })
    try {
      const r = await post(`${base}/webhooks`, BODY, generateTestHeaders(BODY, SECRET))
      assert.equal(r.status, 413)
    } finally {
      await small.close()
    }
  })

  test('set-up errors are reported when registering', async () => {
    for (const options of [{ handler: () => {} }, { secret: SECRET }, { secret: SECRET, handler: () => {}, path: 'x' }]) {
      const bad = Fastify()
      await assert.rejects(async () => {
        await bad.register(cstarWebhooks, options)
        await bad.ready()
      }, { code: 'invalid_argument' })
    }
  })
})
