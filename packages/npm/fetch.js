'use strict'
// @cstar/webhooks/fetch: verification for Fetch-API handlers (Next.js route handlers, Bun,
// Deno, Hono, …). Types and documentation: fetch.d.ts.
const { adapterOptions, check, failureBody, payloadTooLarge, argumentError, isWebhookVerificationError } =
  require('./_adapter.js')

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }

async function readBody(request, limit) {
  if (request.bodyUsed) {
    throw argumentError(
      'verifyRequest: the request body was already read (request.json(), request.text(), …): ' +
        'the signature covers the raw bytes, so verify before reading it, or pass request.clone()',
    )
  }
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit)
  if (request.body === null) return new Uint8Array(0)
  const chunks = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw payloadTooLarge(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

function isRequest(request) {
  return request !== null && typeof request === 'object' && typeof request.arrayBuffer === 'function' && request.headers
}

async function verifyRequest(request, options) {
  const o = options && options[OPTIONS] ? options[OPTIONS] : adapterOptions(options, 'verifyRequest')
  if (!isRequest(request)) {
    throw argumentError('verifyRequest: request must be a Fetch API Request')
  }
  const raw = await readBody(request, o.limit)
  return check(o, raw, request.headers)
}

const OPTIONS = Symbol('cstar.webhooks.options')

function webhookErrorResponse(error) {
  if (isWebhookVerificationError(error)) {
    return new Response(failureBody(error), { status: 400, headers: JSON_HEADERS })
  }
  if (error && error.code === 'payload_too_large') {
    return new Response(JSON.stringify({ code: error.code, message: error.message }), {
      status: 413,
      headers: JSON_HEADERS,
    })
  }
  throw error
}

function webhookHandler(options, handler) {
  const o = adapterOptions(options, 'webhookHandler')
  if (typeof handler !== 'function') {
    throw argumentError('webhookHandler: handler must be a function (event, context) => Response | void')
  }
  const prepared = { [OPTIONS]: o }
  return async function cstarWebhookHandler(request, ...rest) {
    let result
    try {
      result = await verifyRequest(request, prepared)
    } catch (e) {
      return webhookErrorResponse(e)
    }
    const response = await handler(result.event, { ...result, request }, ...rest)
    if (response instanceof Response) return response
    return new Response(JSON.stringify(response === undefined ? { received: true } : response), {
      status: 200,
      headers: JSON_HEADERS,
    })
  }
}

module.exports = { verifyRequest, webhookHandler, webhookErrorResponse }
