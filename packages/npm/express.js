'use strict'
// @cstar/webhooks/express: Express (4 and 5) and plain node:http middleware that reads the
// raw body itself, verifies it and parses the event. Types and documentation: express.d.ts.
const { adapterOptions, check, failureBody, payloadTooLarge, isWebhookVerificationError } = require('./_adapter.js')

const PARSED_HINT =
  '@cstar/webhooks/express: req.body was already parsed (by express.json() or another body parser) ' +
  'before the webhook middleware ran, so the raw bytes the signature covers are gone. ' +
  'Register the webhook route before app.use(express.json()), e.g. ' +
  "app.post('/webhooks', webhookMiddleware({ secret }), handler); app.use(express.json()), " +
  "or scope the JSON parser to other paths: app.use('/api', express.json())."

function bodyAlreadyParsed() {
  const error = new Error(PARSED_HINT)
  error.code = 'body_already_parsed'
  error.statusCode = 500
  error.status = 500
  error.expose = false
  return error
}

/** The raw body: from an earlier express.raw()/express.text(), or read from the stream. */
function rawBody(req, limit) {
  const body = req.body
  if (body instanceof Uint8Array) {
    return Promise.resolve(body)
  }
  if (typeof body === 'string' && req._body === true) {
    return Promise.resolve(body)
  }
  if (body !== undefined && body !== null && typeof body === 'object') {
    // body-parser marks what it parsed with `_body`; a non-empty object means the same.
    if (req._body === true || Object.keys(body).length > 0) {
      return Promise.reject(bodyAlreadyParsed())
    }
  }
  if (req.readableEnded || req._body === true) {
    return Promise.reject(bodyAlreadyParsed())
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.reject(payloadTooLarge(limit))
  }
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    let done = false
    const finish = (error, value) => {
      if (done) return
      done = true
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      req.removeListener('error', onError)
      req.removeListener('aborted', onAborted)
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk) => {
      size += chunk.length
      if (size > limit) {
        finish(payloadTooLarge(limit))
        req.resume() // drain the rest without keeping it
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => finish(null, Buffer.concat(chunks, size))
    const onError = (error) => finish(error)
    const onAborted = () => finish(Object.assign(new Error('the request was aborted'), { code: 'request_aborted' }))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

function answer(res, status, body) {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
}

function webhookMiddleware(options) {
  const o = adapterOptions(options, 'webhookMiddleware')
  return function cstarWebhookMiddleware(req, res, next) {
    rawBody(req, o.limit).then(
      (raw) => {
        let result
        try {
          result = check(o, raw, req.headers)
        } catch (e) {
          if (isWebhookVerificationError(e)) {
            answer(res, 400, failureBody(e))
            return
          }
          next(e)
          return
        }
        req.webhook = result
        req.body = result.event
        next()
      },
      (error) => {
        if (error && error.code === 'payload_too_large') {
          answer(res, 413, JSON.stringify({ code: error.code, message: error.message }))
          return
        }
        next(error)
      },
    )
  }
}

module.exports = { webhookMiddleware, cstarWebhooks: webhookMiddleware }
