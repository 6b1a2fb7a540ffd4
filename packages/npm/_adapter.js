'use strict'
// Private helpers shared by the framework adapters (not part of the public API).
const { verify, parseEvent, parseHeaders, isWebhookVerificationError, DEFAULT_TOLERANCE } = require('./index.js')

const DEFAULT_LIMIT = 1024 * 1024

function argumentError(message, Kind = TypeError) {
  const error = new Kind(message)
  error.code = 'invalid_argument'
  return error
}

/** Validates an adapter's options once, at set-up time (an empty secret is a config bug). */
function adapterOptions(options, adapter) {
  if (options === null || typeof options !== 'object') {
    throw argumentError(`${adapter}: options must be an object with at least { secret }`)
  }
  const { secret } = options
  const list = typeof secret === 'string' ? [secret] : secret
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw argumentError(
      `${adapter}: options.secret must be the webhook's signing secret (a non-empty string, or an array of them during a rotation); got ${
        secret === undefined ? 'undefined (is the environment variable set?)' : JSON.stringify(typeof secret)
      }`,
    )
  }
  const limit = options.limit === undefined ? DEFAULT_LIMIT : options.limit
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw argumentError(`${adapter}: options.limit must be a whole number of bytes >= 1, got ${limit}`, RangeError)
  }
  const verifyOptions = {
    tolerance: options.tolerance,
    maxAge: options.maxAge,
    maxFuture: options.maxFuture,
    allowLegacy: options.allowLegacy,
  }
  // Fail at start-up, not on the first request, when an option has the wrong type.
  try {
    verify('', null, list, { ...verifyOptions, now: 0 })
  } catch (e) {
    if (!isWebhookVerificationError(e)) {
      e.message = `${adapter}: ${e.message}`
      throw e
    }
  }
  return { secret, limit, verifyOptions, now: options.now }
}

function currentOptions(o) {
  if (o.now === undefined) return o.verifyOptions
  return { ...o.verifyOptions, now: typeof o.now === 'function' ? o.now() : o.now }
}

/**
 * Verifies and parses a raw body: `{ event, verified, headers, rawBody }`.
 * Throws WebhookVerificationError.
 */
function check(o, rawBody, rawHeaders) {
  const headers = parseHeaders(rawHeaders)
  const verified = verify(rawBody, headers.signature, o.secret, currentOptions(o))
  const event = parseEvent(rawBody)
  return { event, verified, headers, rawBody }
}

/** The JSON body of a 400 answer. */
function failureBody(error) {
  return JSON.stringify({ code: error.code, message: error.message })
}

function payloadTooLarge(limit) {
  const error = new Error(`the request body is larger than the limit of ${limit} bytes (options.limit)`)
  error.code = 'payload_too_large'
  error.statusCode = 413
  return error
}

module.exports = {
  adapterOptions,
  check,
  failureBody,
  payloadTooLarge,
  isWebhookVerificationError,
  argumentError,
  DEFAULT_LIMIT,
  DEFAULT_TOLERANCE,
}
