// Errors: every core code reachable from JS, the error class, helpful messages for the usual
// mistakes, and bad arguments (shared suite: no Buffer, no adapters).
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import api from './impl.cjs'
import { utf8 } from './helpers.mjs'

const {
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
  eventTypeInfo,
  WebhookVerificationError,
  isWebhookVerificationError,
  ERROR_CODES,
  INVALID_ARGUMENT,
} = api

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const T = 1774866600
const BODY = samplePayload('ticket.created').raw
const HEADER = sign(BODY, SECRET, { timestamp: T })

/** One input per core code; the test below proves the list covers ERROR_CODES exactly. */
const TRIGGERS = {
  missing_signature: () => verify(BODY, undefined, SECRET, { now: T }),
  malformed_signature: () => verify(BODY, 'v1=abc', SECRET, { now: T }),
  timestamp_too_old: () => verify(BODY, HEADER, SECRET, { now: T + 301 }),
  timestamp_in_future: () => verify(BODY, HEADER, SECRET, { now: T - 301 }),
  no_matching_signature: () => verify(BODY, HEADER, 'whsec_wrong', { now: T }),
  legacy_not_allowed: () => verify(BODY, signLegacy(BODY, SECRET), SECRET, { allowLegacy: false }),
  invalid_payload: () => constructEvent('[1,2]', sign('[1,2]', SECRET, { timestamp: T }), SECRET, { now: T }),
}

function caught(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected an error')
}

describe('error codes', () => {
  test('every core code (ERROR_CODES, from the native core) is reachable from JS', () => {
    assert.equal(ERROR_CODES.length, 7)
    assert.deepEqual(Object.keys(TRIGGERS).sort(), [...ERROR_CODES].sort(), 'one trigger per core code')
    for (const code of ERROR_CODES) {
      const e = caught(TRIGGERS[code])
      assert.ok(e instanceof WebhookVerificationError, `${code}: ${e}`)
      assert.equal(e.code, code)
    }
  })

  test('WebhookVerificationError is an Error with a stable code and a helpful message', () => {
    for (const code of ERROR_CODES) {
      const e = caught(TRIGGERS[code])
      assert.ok(e instanceof Error)
      assert.equal(e.name, 'WebhookVerificationError')
      assert.ok(isWebhookVerificationError(e))
      assert.ok(e.message.startsWith(code), e.message)
      assert.ok(e.message.length > code.length + 10, 'the message explains the code')
      assert.ok(!e.message.includes(SECRET), 'no secret in messages')
      assert.ok(!/[0-9a-f]{64}/.test(e.message), 'no signature in messages')
      assert.equal(typeof e.stack, 'string')
    }
  })

  test('constructEvent, parseEvent and flatten fail with the same class', () => {
    assert.ok(caught(() => constructEvent(BODY, null, SECRET)) instanceof WebhookVerificationError)
    assert.equal(caught(() => parseEvent('{"id":1}')).code, 'invalid_payload')
    assert.ok(caught(() => flatten('')) instanceof WebhookVerificationError)
  })

  test('the class can be constructed and recognised by users (e.g. in mocks)', () => {
    const e = new WebhookVerificationError('timestamp_too_old', 'too old')
    assert.equal(e.code, 'timestamp_too_old')
    assert.equal(e.message, 'too old')
    assert.ok(isWebhookVerificationError(e))
    assert.ok(!isWebhookVerificationError(new Error('x')))
    assert.ok(!isWebhookVerificationError({ code: 'timestamp_too_old' }))
    assert.ok(!isWebhookVerificationError(null))
  })
})

describe('the usual mistakes get a specific message', () => {
  test('a parsed object instead of the raw body', () => {
    for (const fn of [verify, constructEvent, diagnose]) {
      const e = caught(() => fn(JSON.parse(BODY), HEADER, SECRET, { now: T }))
      assert.ok(e instanceof TypeError, String(e))
      assert.equal(e.code, INVALID_ARGUMENT)
      assert.match(e.message, /parsed object/)
      assert.match(e.message, /raw/)
    }
  })

  test('a string that was decoded from JSON and re-serialized', () => {
    // As sent: pretty-printed (the guide's example). Received: parsed and printed again.
    const sent = JSON.stringify(JSON.parse(BODY), null, 2)
    const header = sign(sent, SECRET, { timestamp: T })
    for (const reserialized of [JSON.stringify(JSON.parse(sent)), JSON.stringify(JSON.parse(sent), null, 4)]) {
      assert.notEqual(reserialized, sent)
      const e = caught(() => verify(reserialized, header, SECRET, { now: T }))
      assert.ok(e instanceof WebhookVerificationError)
      assert.equal(e.code, 'no_matching_signature')
      assert.match(e.message, /parsed as JSON and serialized again/)
      assert.match(e.message, /raw/)
    }
    const e = caught(() => constructEvent(JSON.stringify(JSON.parse(sent)), header, SECRET, { now: T }))
    assert.match(e.message, /serialized again/)
  })

  test('a plain wrong secret keeps the generic message', () => {
    const e = caught(() => verify(BODY, HEADER, 'whsec_wrong', { now: T }))
    assert.equal(e.code, 'no_matching_signature')
    assert.doesNotMatch(e.message, /serialized again/)
  })
})

describe('bad arguments: a clear invalid_argument error, never a crash', () => {
  const bad = (fn, pattern) => {
    const e = caught(fn)
    assert.ok(e instanceof TypeError || e instanceof RangeError, `${e && e.name}: ${e && e.message}`)
    assert.equal(e.code, INVALID_ARGUMENT)
    if (pattern) assert.match(e.message, pattern)
    assert.ok(!e.message.includes(SECRET))
  }

  test('payloads', () => {
    for (const payload of [undefined, null, 42, true, Symbol('x'), () => {}]) {
      bad(() => verify(payload, HEADER, SECRET), /payload/)
    }
    bad(() => sign(undefined, SECRET))
    bad(() => signLegacy(null, SECRET))
  })

  test('headers', () => {
    for (const header of [42, {}, [1], true]) bad(() => verify(BODY, header, SECRET, { now: T }), /header/)
  })

  test('secrets', () => {
    for (const secrets of [undefined, null, 42, [], [42], [''], '', {}]) {
      bad(() => verify(BODY, HEADER, secrets, { now: T }), /secret/)
    }
    bad(() => sign(BODY, []))
    bad(() => signLegacy(BODY, [SECRET]))
    bad(() => generateTestHeaders(BODY, undefined))
  })

  test('numbers out of range or of the wrong type', () => {
    for (const now of [1.5, NaN, Infinity, 2 ** 60, '1774866600', -(2 ** 60)]) {
      bad(() => verify(BODY, HEADER, SECRET, { now }), /now/)
    }
    for (const tolerance of [-1, 0.5, '300', 2 ** 64]) {
      bad(() => verify(BODY, HEADER, SECRET, { now: T, tolerance }), /tolerance/)
    }
    bad(() => verify(BODY, HEADER, SECRET, { now: T, maxAge: -5 }), /maxAge/)
    bad(() => verify(BODY, HEADER, SECRET, { allowLegacy: 'no' }), /allowLegacy/)
    bad(() => verify(BODY, HEADER, SECRET, 42), /options/)
    bad(() => sign(BODY, SECRET, { timestamp: 1.5 }), /timestamp/)
    // t=-1 could never verify (a signed t is malformed): refused by the core's signing check.
    bad(() => sign(BODY, SECRET, { timestamp: -1 }), /timestamp/)
    bad(() => generateTestHeaders(BODY, SECRET, { timestamp: -1 }), /timestamp/)
    assert.match(sign(BODY, SECRET, { timestamp: 0 }), /^t=0,v1=[0-9a-f]{64}$/)
    bad(() => generateTestHeaders(BODY, SECRET, { attempt: -1 }), /attempt/)
    bad(() => generateTestHeaders(BODY, SECRET, { webhookId: 7 }), /webhookId/)
  })

  test('other functions', () => {
    for (const headers of [undefined, null, 'x-signature: a', 42]) bad(() => parseHeaders(headers), /headers/)
    bad(() => samplePayload(undefined))
    bad(() => eventTypeInfo(42))
    bad(() => flatten(undefined))
  })

  test('bytes that are not UTF-8 still verify (the body is never decoded)', () => {
    const body = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x7b])
    const header = sign(body, SECRET, { timestamp: T })
    assert.equal(verify(body, header, SECRET, { now: T }).scheme, 'v1')
    assert.equal(caught(() => constructEvent(body, header, SECRET, { now: T })).code, 'invalid_payload')
  })

  test('hostile headers are malformed, not crashes', () => {
    for (const header of ['t=99999999999999999999,v1=' + 'a'.repeat(64), 't=１２３,v1=00', '\u0000', ',', 'x'.repeat(100000), 't=-1,v1=a']) {
      const e = caught(() => verify(utf8(BODY), header, SECRET, { now: T }))
      assert.ok(e instanceof WebhookVerificationError)
      assert.equal(e.code, 'malformed_signature')
    }
  })
})
