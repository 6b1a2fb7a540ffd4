// @cstar/webhooks/express against a real Express server on loopback.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import express from 'express'
import { webhookMiddleware } from '@cstar/webhooks/express'
import { generateTestHeaders, samplePayload, signLegacy } from '@cstar/webhooks'
import { listen, post } from './server.mjs'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const BODY = JSON.stringify(samplePayload('ticket.created'), null, 2)

describe('express: webhook route registered before express.json()', () => {
  let server
  let url
  const calls = []
  before(async () => {
    const app = express()
    app.post('/webhooks', webhookMiddleware({ secret: [SECRET, 'whsec_old'] }), (req, res) => {
      calls.push(req.webhook)
      res.json({ type: req.body.type, attempt: req.webhook.headers.attempt, index: req.webhook.verified.secretIndex })
    })
    app.post('/small', webhookMiddleware({ secret: SECRET, limit: 64 }), (req, res) => {
      calls.push(req.webhook)
      res.sendStatus(200)
    })
    app.post('/after-raw', express.raw({ type: '*/*' }), webhookMiddleware({ secret: SECRET }), (req, res) => {
      res.json({ id: req.webhook.event.id })
    })
    app.use(express.json())
    app.post('/api/other', (req, res) => res.json({ echo: req.body }))
    server = http.createServer(app)
    url = await listen(server)
  })
  after(() => server.close())

  test('a valid delivery reaches the handler with the event, headers and verification', async () => {
    calls.length = 0
    const headers = generateTestHeaders(BODY, SECRET, { attempt: 2 })
    const r = await post(`${url}/webhooks`, BODY, headers)
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(r.body, { type: 'ticket.created', attempt: 2, index: 0 })
    assert.equal(calls.length, 1)
    assert.equal(calls[0].event.data.ticket.prefixed_id, 'CST-1024')
    assert.equal(calls[0].verified.scheme, 'v1')
    assert.equal(new TextDecoder().decode(calls[0].rawBody), BODY)
  })

  test('the old secret of a rotation and legacy signatures verify', async () => {
    const old = generateTestHeaders(BODY, 'whsec_old')
    assert.equal((await post(`${url}/webhooks`, BODY, old)).body.index, 1)
    const legacy = { 'content-type': 'application/json', 'x-signature': signLegacy(BODY, SECRET) }
    assert.equal((await post(`${url}/webhooks`, BODY, legacy)).status, 200)
  })

  test('failures answer 400 with the code and never call the handler', async () => {
    calls.length = 0
    const good = generateTestHeaders(BODY, SECRET)
    const cases = [
      ['missing_signature', BODY, { 'content-type': 'application/json' }],
      ['malformed_signature', BODY, { ...good, 'X-Signature': 'garbage' }],
      ['no_matching_signature', BODY + ' ', good],
      ['no_matching_signature', BODY, generateTestHeaders(BODY, 'whsec_wrong')],
      ['timestamp_too_old', BODY, generateTestHeaders(BODY, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600 })],
      ['timestamp_in_future', BODY, generateTestHeaders(BODY, SECRET, { timestamp: Math.floor(Date.now() / 1000) + 3600 })],
      ['invalid_payload', '[]', generateTestHeaders('[]', SECRET)],
    ]
    for (const [code, body, headers] of cases) {
      const r = await post(`${url}/webhooks`, body, headers)
      assert.equal(r.status, 400, `${code}: ${r.text}`)
      assert.equal(r.body.code, code)
      assert.equal(typeof r.body.message, 'string')
      assert.ok(!r.text.includes(SECRET))
    }
    assert.equal(calls.length, 0)
  })

  test('a body over the limit answers 413', async () => {
    calls.length = 0
    const r = await post(`${url}/small`, BODY, generateTestHeaders(BODY, SECRET))
    assert.equal(r.status, 413)
    assert.equal(r.body.code, 'payload_too_large')
    assert.equal(calls.length, 0)
  })

  test('works after express.raw(), and the rest of the app keeps its JSON parser', async () => {
    const r = await post(`${url}/after-raw`, BODY, generateTestHeaders(BODY, SECRET))
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.id, JSON.parse(BODY).id)
    const other = await post(`${url}/api/other`, '{"a":1}', { 'content-type': 'application/json' })
    assert.deepEqual(other.body, { echo: { a: 1 } })
  })
})

describe('express: a body already parsed by express.json()', () => {
  let server
  let url
  let handled = 0
  let error
  before(async () => {
    const app = express()
    app.use(express.json())
    app.post('/webhooks', webhookMiddleware({ secret: SECRET }), (req, res) => {
      handled++
      res.sendStatus(200)
    })
    app.use((err, req, res, next) => {
      error = err
      res.status(err.statusCode || 500).json({ code: err.code })
    })
    server = http.createServer(app)
    url = await listen(server)
  })
  after(() => server.close())

  test('is detected with a clear error, and the handler is not called', async () => {
    const r = await post(`${url}/webhooks`, BODY, generateTestHeaders(BODY, SECRET))
    assert.equal(r.status, 500)
    assert.equal(r.body.code, 'body_already_parsed')
    assert.equal(handled, 0)
    assert.match(error.message, /express\.json\(\)/)
    assert.match(error.message, /raw bytes/)
  })
})

describe('express: set-up errors', () => {
  test('a missing or empty secret throws at once', () => {
    for (const secret of [undefined, '', [], [''], 42]) {
      assert.throws(() => webhookMiddleware({ secret }), { code: 'invalid_argument', message: /secret/ })
    }
    assert.throws(() => webhookMiddleware(), { code: 'invalid_argument' })
    assert.throws(() => webhookMiddleware({ secret: SECRET, tolerance: -1 }), { code: 'invalid_argument', message: /tolerance/ })
    assert.throws(() => webhookMiddleware({ secret: SECRET, limit: 0 }), { code: 'invalid_argument', message: /limit/ })
  })
})

describe('plain node:http with a next callback', () => {
  test('the middleware needs no Express', async () => {
    const mw = webhookMiddleware({ secret: SECRET })
    const server = http.createServer((req, res) => {
      mw(req, res, (err) => {
        if (err) {
          res.statusCode = 500
          res.end(String(err))
          return
        }
        res.end(req.webhook.event.type)
      })
    })
    const url = await listen(server)
    try {
      const r = await post(url, BODY, generateTestHeaders(BODY, SECRET))
      assert.equal(r.status, 200)
      assert.equal(r.text, 'ticket.created')
      const bad = await post(url, BODY, {})
      assert.equal(bad.status, 400)
      assert.equal(bad.body.code, 'missing_signature')
    } finally {
      server.close()
    }
  })
})
