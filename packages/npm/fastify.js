'use strict'
// @cstar/webhooks/fastify: a Fastify plugin that registers a webhook route with a raw-body
// content-type parser, verifies the request and parses the event before the handler runs.
// Types and documentation: fastify.d.ts.
const { adapterOptions, check, failureBody, argumentError, isWebhookVerificationError } = require('./_adapter.js')

async function cstarWebhooks(fastify, options) {
  const o = adapterOptions(options, '@cstar/webhooks/fastify')
  const path = options.path === undefined ? '/webhooks' : options.path
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw argumentError(`@cstar/webhooks/fastify: options.path must be a route path such as '/webhooks', got ${path}`)
  }
  const handler = options.handler
  if (typeof handler !== 'function') {
    throw argumentError('@cstar/webhooks/fastify: options.handler must be a function (event, request, reply) => …')
  }
  // This plugin's context is encapsulated: the raw parser applies to its own route only.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.limit }, (request, body, done) => {
    done(null, body)
  })
  fastify.decorateRequest('webhook', null)
  fastify.post(path, { bodyLimit: o.limit }, async (request, reply) => {
    const raw = request.body instanceof Uint8Array ? request.body : new Uint8Array(0)
    try {
      request.webhook = check(o, raw, request.headers)
    } catch (e) {
      if (isWebhookVerificationError(e)) {
        reply.code(400).header('cache-control', 'no-store').type('application/json; charset=utf-8')
        return reply.send(failureBody(e))
      }
      throw e
    }
    const result = await handler(request.webhook.event, request, reply)
    if (reply.sent) return reply
    return result === undefined ? { received: true } : result
  })
}

module.exports = { cstarWebhooks, default: cstarWebhooks }
