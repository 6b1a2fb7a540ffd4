'use strict'
// The public face of @cstar/webhooks: argument checks and conversions around the native
// binding (crate bindings/node), which calls the Rust core. No webhook rule lives here:
// parsing, signing, verifying, diagnosing, flattening and the catalog are the core's.
// Types and documentation: index.d.ts.

const native = require('./binding.js')

/** The code of errors about arguments (wrong type or range). */
const INVALID_ARGUMENT = 'invalid_argument'

/** The core's stable verification error codes, in SPEC order. */
const ERROR_CODES = Object.freeze(native.errorCodes())
const CODE_SET = new Set(ERROR_CODES)

/** The core's diagnosis cause codes. */
const CAUSE_CODES = Object.freeze(native.causeCodes())

/** The default tolerance in each direction, in seconds. */
const DEFAULT_TOLERANCE = native.defaultTolerance()

const CATALOG = Object.freeze(native.catalog().map((info) => Object.freeze(info)))

/** Every catalog event type, in catalog order. */
const EVENT_TYPES = Object.freeze(CATALOG.map((info) => info.type))

class WebhookVerificationError extends Error {
  constructor(code, message, options) {
    super(message === undefined ? code : message, options)
    this.name = 'WebhookVerificationError'
    this.code = code
    this.statusCode = 400
  }
}

function isWebhookVerificationError(value) {
  return (
    value instanceof WebhookVerificationError ||
    (value instanceof Error && value.name === 'WebhookVerificationError' && CODE_SET.has(value.code))
  )
}

function argumentError(message, Kind = TypeError) {
  const error = new Kind(message)
  error.code = INVALID_ARGUMENT
  return error
}

/** Converts an error thrown by the native binding to the package's error types. */
function convertError(e) {
  if (e && CODE_SET.has(e.code)) {
    return new WebhookVerificationError(e.code, e.message)
  }
  if (e && e.code === INVALID_ARGUMENT) {
    return argumentError(e.message, RangeError)
  }
  // Conversions napi-rs refused (a value of the wrong type slipped past the checks below).
  return argumentError(`invalid argument: ${e && e.message}`)
}

const PARSED_BODY_HINT =
  'the payload must be the raw request body exactly as received (a Buffer, Uint8Array or string), ' +
  'but a parsed object was given: the signature covers the exact bytes, and JSON.stringify() of a ' +
  'parsed body does not give them back. Read the raw body instead: express.raw({ type: "application/json" }) ' +
  'or @cstar/webhooks/express, await request.text() in fetch handlers, @cstar/webhooks/fastify in Fastify'

function payloadArg(payload, what = 'payload') {
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    return payload
  }
  if (ArrayBuffer.isView(payload)) {
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  }
  if (payload instanceof ArrayBuffer) {
    return new Uint8Array(payload)
  }
  if (payload === undefined || payload === null) {
    throw argumentError(`${what} is ${payload}: pass the raw request body (a Buffer, Uint8Array or string)`)
  }
  if (typeof payload === 'object') {
    throw argumentError(`${what}: ${PARSED_BODY_HINT}`)
  }
  throw argumentError(`${what} must be a Buffer, Uint8Array or string, got ${typeof payload}`)
}

function secretsArg(secrets, what = 'secrets') {
  const list = typeof secrets === 'string' ? [secrets] : secrets
  if (!Array.isArray(list)) {
    throw argumentError(`${what} must be a string or an array of strings, got ${describe(secrets)}`)
  }
  if (list.length === 0) {
    throw argumentError(`${what} is an empty list: pass the webhook's signing secret (whsec_…)`)
  }
  for (const s of list) {
    if (typeof s !== 'string') {
      throw argumentError(`${what} must be a string or an array of strings, got an array holding ${describe(s)}`)
    }
    if (s.length === 0) {
      throw argumentError(`${what}: a secret is the empty string (is the environment variable holding it set?)`)
    }
  }
  return secrets
}

function secretArg(secret) {
  if (typeof secret !== 'string') {
    throw argumentError(`secret must be a string, got ${describe(secret)}`)
  }
  return secretsArg(secret, 'secret')
}

function headerArg(header) {
  if (header === undefined || header === null || typeof header === 'string') {
    return header
  }
  if (Array.isArray(header) && header.every((h) => typeof h === 'string')) {
    // Several X-Signature fields: combined as one comma-separated list (RFC 9110 §5.3).
    return header.join(',')
  }
  throw argumentError(`header must be the X-Signature value (a string), got ${describe(header)}`)
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

function integerArg(value, what, min = Number.MIN_SAFE_INTEGER) {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'number') {
    throw argumentError(`${what} must be a number, got ${describe(value)}`)
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw argumentError(
      `${what} must be a whole number${min === 0 ? ' >= 0' : ''} within ±2^53, got ${value}`,
      RangeError,
    )
  }
  return value
}

function optionsArg(options) {
  if (options === undefined || options === null) {
    return EMPTY
  }
  if (typeof options !== 'object') {
    throw argumentError(`options must be an object, got ${describe(options)}`)
  }
  return options
}
const EMPTY = Object.freeze({})

/**
 * Native verifiers by secrets and options: a verifier keeps its secrets' HMAC key schedules,
 * so a request only converts its body and header. Bounded (cleared when full).
 */
const verifiers = new Map()
const MAX_VERIFIERS = 64

function nativeVerifier(secrets, maxAge, maxFuture, allowLegacy) {
  let key = typeof secrets === 'string' ? secrets : JSON.stringify(secrets)
  if (maxAge !== undefined || maxFuture !== undefined || allowLegacy !== undefined) {
    key = `${key}\u0000${maxAge},${maxFuture},${allowLegacy}`
  }
  let verifier = verifiers.get(key)
  if (verifier === undefined) {
    if (verifiers.size >= MAX_VERIFIERS) verifiers.clear()
    verifier = native.createVerifier(secrets, maxAge, maxFuture, allowLegacy)
    verifiers.set(key, verifier)
  }
  return verifier
}

/** Where the native verifier writes [scheme (0 v1, 1 legacy), timestamp, secret index]. */
const OUT = new Float64Array(3)

/** Checks the arguments, verifies, and returns the body as passed to the core. */
function verified(payload, header, secrets, options) {
  const body = payloadArg(payload)
  const o = optionsArg(options)
  const tolerance = integerArg(o.tolerance, 'options.tolerance', 0)
  const maxAge = integerArg(o.maxAge, 'options.maxAge', 0)
  const maxFuture = integerArg(o.maxFuture, 'options.maxFuture', 0)
  if (o.allowLegacy !== undefined && typeof o.allowLegacy !== 'boolean') {
    throw argumentError(`options.allowLegacy must be a boolean, got ${describe(o.allowLegacy)}`)
  }
  const h = headerArg(header)
  const now = integerArg(o.now, 'options.now')
  const verifier = nativeVerifier(
    secretsArg(secrets),
    maxAge === undefined ? tolerance : maxAge,
    maxFuture === undefined ? tolerance : maxFuture,
    o.allowLegacy,
  )
  try {
    // A text payload is often a body that was parsed and printed again: verifyText lets the
    // core's diagnosis name the cause when no signature matches.
    if (typeof body === 'string') native.verifyText(verifier, body, h, now, OUT)
    else native.verifyBytes(verifier, body, h, now, OUT)
  } catch (e) {
    throw convertError(e)
  }
  return body
}

function verify(payload, header, secrets, options) {
  verified(payload, header, secrets, options)
  const v1 = OUT[0] === 0
  return { scheme: v1 ? 'v1' : 'legacy', timestamp: v1 ? OUT[1] : null, secretIndex: OUT[2] }
}

const decoder = new TextDecoder()

/**
 * The event object of a body the core accepted as an event envelope: `JSON.parse` of the
 * same text, plus the text as a non-enumerable `raw`.
 */
function toEvent(body) {
  let raw
  try {
    native.checkEvent(body)
    raw = typeof body === 'string' ? body : decoder.decode(body)
  } catch (e) {
    throw convertError(e)
  }
  const event = JSON.parse(raw)
  Object.defineProperty(event, 'raw', { value: raw, enumerable: false, configurable: true, writable: false })
  return event
}

function constructEvent(payload, header, secrets, options) {
  return toEvent(verified(payload, header, secrets, options))
}

function parseEvent(payload) {
  return toEvent(payloadArg(payload))
}

function sign(payload, secrets, options) {
  const body = payloadArg(payload)
  const o = optionsArg(options)
  try {
    return native.sign(body, secretsArg(secrets), integerArg(o.timestamp, 'options.timestamp'))
  } catch (e) {
    throw convertError(e)
  }
}

function signLegacy(payload, secret) {
  return native.signLegacy(payloadArg(payload), secretArg(secret))
}

function optionalString(value, what) {
  if (value === undefined || value === null || typeof value === 'string') {
    return value
  }
  throw argumentError(`${what} must be a string, got ${describe(value)}`)
}

function generateTestHeaders(payload, secrets, options) {
  const body = payloadArg(payload)
  const o = optionsArg(options)
  let pairs
  try {
    pairs = native.deliveryHeadersPairs(
      body,
      secretsArg(secrets),
      optionalString(o.webhookId, 'options.webhookId'),
      optionalString(o.eventId, 'options.eventId'),
      optionalString(o.eventType, 'options.eventType'),
      integerArg(o.attempt, 'options.attempt', 0),
      integerArg(o.timestamp, 'options.timestamp'),
    )
  } catch (e) {
    throw convertError(e)
  }
  return Object.fromEntries(pairs)
}

function headerPairs(headers) {
  const names = []
  const values = []
  const add = (name, value) => {
    if (value === undefined || value === null) return
    if (Array.isArray(value)) {
      for (const v of value) add(name, v)
      return
    }
    names.push(String(name))
    values.push(String(value))
  }
  if (headers === undefined || headers === null || typeof headers !== 'object') {
    throw argumentError(
      `headers must be an object (IncomingHttpHeaders, a Fetch Headers, a Map or a plain object), got ${describe(headers)}`,
    )
  }
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function' && !(headers instanceof Map)) {
    // Fetch `Headers` (and look-alikes): names come lower-cased, repeats joined by ", ".
    headers.forEach((value, name) => add(name, value))
  } else if (typeof headers[Symbol.iterator] === 'function') {
    // A Map, or an iterable of [name, value] pairs.
    for (const entry of headers) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw argumentError('headers: an iterable of headers must yield [name, value] pairs')
      }
      add(entry[0], entry[1])
    }
  } else {
    for (const name of Object.keys(headers)) add(name, headers[name])
  }
  return [names, values]
}

function parseHeaders(headers) {
  const [names, values] = headerPairs(headers)
  return native.parseHeaderPairs(names, values)
}

function diagnose(payload, header, secrets, options) {
  const body = payloadArg(payload)
  const o = optionsArg(options)
  const d = native.diagnose(body, headerArg(header), secretsArg(secrets), integerArg(o.now, 'options.now'))
  return d.ok
    ? { ok: true, verified: d.verified, causes: d.causes }
    : { ok: false, code: d.code, message: d.message, causes: d.causes }
}

function flatten(payload) {
  let body = payload
  if (payload !== null && typeof payload === 'object' && !ArrayBuffer.isView(payload) && !(payload instanceof ArrayBuffer)) {
    body = JSON.stringify(payload)
  }
  body = payloadArg(body)
  try {
    return JSON.parse(native.flatten(body))
  } catch (e) {
    throw convertError(e)
  }
}

function samplePayload(type) {
  if (typeof type !== 'string') {
    throw argumentError(`type must be an event type string, got ${describe(type)}`)
  }
  const json = native.samplePayload(type)
  return json === null ? undefined : toEvent(json)
}

function retrySchedule() {
  return native.retrySchedule()
}

function catalog() {
  return CATALOG.map((info) => ({ ...info }))
}

function eventTypeInfo(type) {
  if (typeof type !== 'string') {
    throw argumentError(`type must be an event type string, got ${describe(type)}`)
  }
  return native.eventTypeInfo(type)
}

module.exports = {
  verify,
  constructEvent,
  parseEvent,
  sign,
  signLegacy,
  generateTestHeaders,
  parseHeaders,
  diagnose,
  flatten,
  samplePayload,
  retrySchedule,
  catalog,
  eventTypeInfo,
  WebhookVerificationError,
  isWebhookVerificationError,
  ERROR_CODES,
  CAUSE_CODES,
  EVENT_TYPES,
  DEFAULT_TOLERANCE,
  INVALID_ARGUMENT,
}

const idempotency = require('./idempotency.js')
module.exports.MemoryIdempotencyStore = idempotency.MemoryIdempotencyStore
module.exports.processOnce = idempotency.processOnce
module.exports.DEFAULT_IDEMPOTENCY_TTL = idempotency.DEFAULT_IDEMPOTENCY_TTL

const KNOWN_TYPES = new Set(EVENT_TYPES)

function isKnownEvent(event) {
  return event !== null && typeof event === 'object' && KNOWN_TYPES.has(event.type)
}

function isEventType(event, ...types) {
  return event !== null && typeof event === 'object' && typeof event.type === 'string' && types.includes(event.type) && KNOWN_TYPES.has(event.type)
}

module.exports.isKnownEvent = isKnownEvent
module.exports.isEventType = isEventType
