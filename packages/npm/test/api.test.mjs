// The public API beyond the vectors (shared suite: no Buffer, no adapters).
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import api from './impl.cjs'
import { utf8, unix } from './helpers.mjs'

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
  retrySchedule,
  catalog,
  eventTypeInfo,
  isKnownEvent,
  isEventType,
  EVENT_TYPES,
  ERROR_CODES,
  CAUSE_CODES,
  DEFAULT_TOLERANCE,
} = api

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const OLD_SECRET = 'whsec_oldoldoldoldoldoldoldoldoldold00'
const T = 1774866600 // 2026-03-30T10:30:00Z
const BODY = JSON.stringify(samplePayload('ticket.created'))

describe('verify', () => {
  const header = sign(BODY, SECRET, { timestamp: T })

  test('accepts the body as a string, Uint8Array, ArrayBuffer or other ArrayBufferView', () => {
    const bytes = utf8(BODY)
    const expected = { scheme: 'v1', timestamp: T, secretIndex: 0 }
    assert.deepEqual(verify(BODY, header, SECRET, { now: T }), expected)
    assert.deepEqual(verify(bytes, header, SECRET, { now: T }), expected)
    assert.deepEqual(verify(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), header, SECRET, { now: T }), expected)
    assert.deepEqual(verify(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), header, SECRET, { now: T }), expected)
    // A view on part of a larger buffer: only the viewed bytes count.
    const big = new Uint8Array(bytes.length + 10)
    big.set(bytes, 5)
    assert.deepEqual(verify(big.subarray(5, 5 + bytes.length), header, SECRET, { now: T }), expected)
  })

  test('uses the system clock by default', () => {
    const fresh = sign(BODY, SECRET)
    const result = verify(BODY, fresh, SECRET)
    assert.equal(result.scheme, 'v1')
    assert.ok(Math.abs(result.timestamp - Date.now() / 1000) < 5)
    assert.throws(() => verify(BODY, header, SECRET), { code: 'timestamp_too_old' })
  })

  test('reports which secret of a rotation matched', () => {
    const both = sign(BODY, [SECRET, OLD_SECRET], { timestamp: T })
    assert.match(both, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/)
    const onlyOld = sign(BODY, OLD_SECRET, { timestamp: T })
    assert.equal(verify(BODY, both, [SECRET, OLD_SECRET], { now: T }).secretIndex, 0)
    assert.equal(verify(BODY, onlyOld, [SECRET, OLD_SECRET], { now: T }).secretIndex, 1)
    assert.equal(verify(BODY, onlyOld, [OLD_SECRET], { now: T }).secretIndex, 0)
  })

  test('takes the header as an array of header fields', () => {
    const a = sign(BODY, 'whsec_other', { timestamp: T })
    const b = `v1=${header.split('v1=')[1]}`
    assert.equal(verify(BODY, [a, b], SECRET, { now: T }).secretIndex, 0)
    assert.equal(verify(BODY, [header], SECRET, { now: T }).scheme, 'v1')
  })

  test('tolerance sets both directions; maxAge and maxFuture each one', () => {
    assert.equal(verify(BODY, header, SECRET, { now: T + DEFAULT_TOLERANCE }).scheme, 'v1')
    assert.throws(() => verify(BODY, header, SECRET, { now: T + DEFAULT_TOLERANCE + 1 }), { code: 'timestamp_too_old' })
    assert.throws(() => verify(BODY, header, SECRET, { now: T - DEFAULT_TOLERANCE - 1 }), { code: 'timestamp_in_future' })
    assert.equal(verify(BODY, header, SECRET, { now: T + 1000, tolerance: 1000 }).scheme, 'v1')
    assert.equal(verify(BODY, header, SECRET, { now: T - 1000, tolerance: 1000 }).scheme, 'v1')
    assert.throws(() => verify(BODY, header, SECRET, { now: T + 1001, tolerance: 1000 }), { code: 'timestamp_too_old' })
    assert.equal(verify(BODY, header, SECRET, { now: T + 1000, tolerance: 10, maxAge: 1000 }).scheme, 'v1')
    assert.throws(() => verify(BODY, header, SECRET, { now: T - 11, tolerance: 10, maxAge: 1000 }), { code: 'timestamp_in_future' })
    assert.throws(() => verify(BODY, header, SECRET, { now: T - 1, maxFuture: 0 }), { code: 'timestamp_in_future' })
  })

  test('accepts legacy signatures unless told not to', () => {
    const legacy = signLegacy(BODY, SECRET)
    assert.match(legacy, /^sha256=[0-9a-f]{64}$/)
    assert.deepEqual(verify(BODY, legacy, SECRET), { scheme: 'legacy', timestamp: null, secretIndex: 0 })
    assert.throws(() => verify(BODY, legacy, SECRET, { allowLegacy: false }), { code: 'legacy_not_allowed' })
  })
})

describe('constructEvent', () => {
  test('returns the typed event with its raw text', () => {
    const header = sign(BODY, SECRET, { timestamp: T })
    const event = constructEvent(utf8(BODY), header, SECRET, { now: T })
    assert.equal(event.type, 'ticket.created')
    assert.equal(event.data.ticket.prefixed_id, 'CST-1024')
    assert.equal(event.raw, BODY)
    assert.ok(!Object.keys(event).includes('raw'), 'raw is not enumerable')
    assert.deepEqual(JSON.parse(JSON.stringify(event)), JSON.parse(BODY))
  })

  test('keeps unknown types, unknown keys and their data', () => {
    const body = JSON.stringify({
      id: 'evt_ticket_merged_1',
      type: 'ticket.merged',
      created_at: '2026-03-30T10:30:00Z',
      team_id: 'ffce2c0d-a0c8-4285-a55f-c674f191feb0',
      data: { ticket: { id: 'tkt_1', merged_into: 'tkt_2' } },
      extra_key: [1, 2],
    })
    const event = constructEvent(body, sign(body, SECRET, { timestamp: T }), SECRET, { now: T })
    assert.equal(event.type, 'ticket.merged')
    assert.equal(event.data.ticket.merged_into, 'tkt_2')
    assert.deepEqual(event.extra_key, [1, 2])
    assert.equal(eventTypeInfo(event.type).known, false)
    assert.equal(eventTypeInfo(event.type).family, 'unknown')
  })

  test('verifies before parsing', () => {
    assert.throws(() => constructEvent('not json', sign('not json', 'whsec_wrong', { timestamp: T }), SECRET, { now: T }), {
      code: 'no_matching_signature',
    })
    assert.throws(() => constructEvent('not json', sign('not json', SECRET, { timestamp: T }), SECRET, { now: T }), {
      code: 'invalid_payload',
    })
  })
})

describe('generateTestHeaders', () => {
  test('builds the full SPEC §3 header set, which verifies', () => {
    const headers = generateTestHeaders(BODY, SECRET, { timestamp: T })
    assert.deepEqual(Object.keys(headers), [
      'Content-Type',
      'X-Webhook-ID',
      'X-Event-Type',
      'X-Event-ID',
      'X-Timestamp',
      'X-Signature',
      'X-Delivery-Attempt',
      'User-Agent',
    ])
    const event = JSON.parse(BODY)
    assert.equal(headers['Content-Type'], 'application/json')
    assert.equal(headers['X-Webhook-ID'], 'whk_test')
    assert.equal(headers['X-Event-Type'], event.type)
    assert.equal(headers['X-Event-ID'], event.id)
    assert.equal(headers['X-Timestamp'], '2026-03-30T10:30:00Z')
    assert.equal(unix(headers['X-Timestamp']), T)
    assert.equal(headers['X-Delivery-Attempt'], '1')
    assert.equal(headers['User-Agent'], 'cStar-Webhooks/1.0')
    assert.equal(headers['X-Signature'], sign(BODY, SECRET, { timestamp: T }))
    assert.equal(verify(BODY, headers['X-Signature'], SECRET, { now: T }).timestamp, T)
  })

  test('takes overrides and several secrets', () => {
    const headers = generateTestHeaders(utf8(BODY), [SECRET, OLD_SECRET], {
      webhookId: 'whk_abc123',
      eventId: 'evt_custom',
      eventType: 'ticket.updated',
      attempt: 3,
      timestamp: T + 60,
    })
    assert.equal(headers['X-Webhook-ID'], 'whk_abc123')
    assert.equal(headers['X-Event-ID'], 'evt_custom')
    assert.equal(headers['X-Event-Type'], 'ticket.updated')
    assert.equal(headers['X-Delivery-Attempt'], '3')
    assert.equal(headers['X-Timestamp'], '2026-03-30T10:31:00Z')
    assert.equal(headers['X-Signature'].split(',v1=').length, 3)
    assert.equal(verify(BODY, headers['X-Signature'], OLD_SECRET, { now: T + 60 }).secretIndex, 0)
  })

  test('defaults to now', () => {
    const headers = generateTestHeaders(BODY, SECRET)
    assert.equal(verify(BODY, headers['X-Signature'], SECRET).scheme, 'v1')
    assert.ok(Math.abs(unix(headers['X-Timestamp']) - Date.now() / 1000) < 5)
  })
})

describe('parseHeaders', () => {
  const headers = generateTestHeaders(BODY, SECRET, { timestamp: T, attempt: 2 })
  const expected = {
    signature: headers['X-Signature'],
    webhookId: 'whk_test',
    eventType: 'ticket.created',
    eventId: JSON.parse(BODY).id,
    timestamp: '2026-03-30T10:30:00Z',
    deliveryAttempt: '2',
    userAgent: 'cStar-Webhooks/1.0',
    contentType: 'application/json',
    attempt: 2,
    timestampUnix: T,
  }

  test('a plain object, in any case', () => {
    assert.deepEqual(parseHeaders(headers), expected)
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]))
    assert.deepEqual(parseHeaders(upper), expected)
  })

  test("Node's IncomingHttpHeaders shape (lower case, arrays, undefined)", () => {
    const incoming = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
    incoming['x-signature'] = [headers['X-Signature'], 't=1,v1=00']
    incoming.host = 'localhost'
    incoming['x-missing'] = undefined
    assert.deepEqual(parseHeaders(incoming), expected)
  })

  test('a Fetch Headers, a Map and [name, value] pairs', () => {
    assert.deepEqual(parseHeaders(new Headers(headers)), expected)
    assert.deepEqual(parseHeaders(new Map(Object.entries(headers))), expected)
    assert.deepEqual(parseHeaders(Object.entries(headers)), expected)
  })

  test('absent headers are null', () => {
    const none = parseHeaders({})
    assert.deepEqual(Object.keys(none).sort(), Object.keys(expected).sort())
    for (const value of Object.values(none)) assert.equal(value, null)
    const odd = parseHeaders({ 'x-delivery-attempt': 'three', 'x-timestamp': 'yesterday' })
    assert.equal(odd.deliveryAttempt, 'three')
    assert.equal(odd.attempt, null)
    assert.equal(odd.timestampUnix, null)
  })
})

describe('diagnose', () => {
  const body = samplePayload('ticket.created').raw
  const header = sign(body, SECRET, { timestamp: T })
  const codes = (d) => d.causes.map((c) => c.code)

  test('a request that verifies', () => {
    const d = diagnose(body, header, SECRET, { now: T })
    assert.equal(d.ok, true)
    assert.deepEqual(d.verified, { scheme: 'v1', timestamp: T, secretIndex: 0 })
    assert.deepEqual(d.causes, [])
  })

  test('a re-serialized body', () => {
    const reserialized = JSON.stringify(JSON.parse(body), null, 2)
    const d = diagnose(reserialized, header, SECRET, { now: T })
    assert.equal(d.ok, false)
    assert.equal(d.code, 'no_matching_signature')
    assert.ok(codes(d).includes('body_reserialized'), codes(d).join())
    assert.ok(d.causes.every((c) => typeof c.explanation === 'string' && c.explanation.length > 0))
  })

  test('a trailing newline, a secret with whitespace, the wrong secret', () => {
    assert.ok(codes(diagnose(body + '\n', header, SECRET, { now: T })).includes('trailing_newline'))
    assert.ok(codes(diagnose(body, header, SECRET + '\n', { now: T })).includes('secret_whitespace'))
    assert.deepEqual(codes(diagnose(body, header, 'whsec_wrong', { now: T })), ['wrong_secret'])
  })

  test('clock skew names the seconds; milliseconds are recognised', () => {
    const d = diagnose(body, header, SECRET, { now: T + 3600 })
    assert.equal(d.code, 'timestamp_too_old')
    const skew = d.causes.find((c) => c.code === 'clock_skew')
    assert.ok(skew, codes(d).join())
    assert.equal(skew.seconds, -3600)
    const ms = sign(body, SECRET, { timestamp: T * 1000 })
    assert.ok(codes(diagnose(body, ms, SECRET, { now: T })).includes('timestamp_milliseconds'))
  })

  test('a missing header has no causes beyond its code', () => {
    const d = diagnose(body, undefined, SECRET, { now: T })
    assert.equal(d.ok, false)
    assert.equal(d.code, 'missing_signature')
    assert.equal(typeof d.message, 'string')
    assert.deepEqual(d.causes, [])
  })

  test('every cause code is one of CAUSE_CODES', () => {
    assert.equal(CAUSE_CODES.length, 8)
    assert.ok(CAUSE_CODES.includes('body_reserialized'))
  })
})

describe('events', () => {
  test('the catalog has the 14 SPEC types with their families', () => {
    assert.deepEqual(EVENT_TYPES, [
      'ticket.created',
      'ticket.updated',
      'ticket.assigned',
      'ticket.resolved',
      'ticket.deleted',
      'customer.created',
      'customer.updated',
      'customer.deleted',
      'article.published',
      'article.updated',
      'article.archived',
      'gamification.boss_defeated',
      'gamification.badge_earned',
      'gamification.level_up',
    ])
    const families = Object.fromEntries(catalog().map((i) => [i.type, i.family]))
    assert.equal(families['ticket.deleted'], 'tickets')
    assert.equal(families['customer.updated'], 'customers')
    assert.equal(families['article.archived'], 'articles')
    assert.equal(families['gamification.level_up'], 'gamification')
    assert.ok(catalog().every((i) => i.known && typeof i.label === 'string'))
    assert.deepEqual(eventTypeInfo('Ticket.Created'), { type: 'Ticket.Created', family: 'unknown', label: 'Unknown', known: false })
  })

  test('every catalog type has a sample that parses, signs and verifies', () => {
    for (const type of EVENT_TYPES) {
      const sample = samplePayload(type)
      assert.equal(sample.type, type)
      assert.match(sample.id, /^evt_test_/)
      const header = sign(sample.raw, SECRET, { timestamp: T })
      const event = constructEvent(sample.raw, header, SECRET, { now: T })
      assert.deepEqual({ ...event }, { ...sample })
      assert.ok(Object.keys(event.data).length > 0)
    }
    assert.equal(samplePayload('ticket.merged'), undefined)
  })

  test('isKnownEvent and isEventType follow the catalog', () => {
    const known = samplePayload('ticket.assigned')
    assert.equal(isKnownEvent(known), true)
    assert.equal(isEventType(known, 'ticket.assigned'), true)
    assert.equal(isEventType(known, 'ticket.created', 'ticket.assigned'), true)
    assert.equal(isEventType(known, 'ticket.created'), false)
    const unknown = parseEvent(JSON.stringify({ ...known, type: 'ticket.merged' }))
    assert.equal(isKnownEvent(unknown), false)
    assert.equal(isEventType(unknown, 'ticket.merged'), false)
    assert.equal(isKnownEvent(parseEvent(JSON.stringify({ ...known, type: 'Ticket.Assigned' }))), false)
    assert.equal(isKnownEvent(null), false)
  })

  test('parseEvent parses without verifying', () => {
    const event = parseEvent(BODY)
    assert.equal(event.type, 'ticket.created')
    assert.throws(() => parseEvent('[]'), { code: 'invalid_payload' })
  })

  test('flatten copies object fields to the root', () => {
    const flat = flatten(samplePayload('ticket.created'))
    assert.equal(flat.ticket_prefixed_id, 'CST-1024')
    assert.equal(flat.customer_email, 'casey@example.com')
    assert.equal(flat.type, 'ticket.created')
    assert.deepEqual(flatten(flat), flat, 'flattening is idempotent')
    assert.throws(() => flatten('{not json'), { code: 'invalid_payload' })
  })
})

describe('retries and codes', () => {
  test('retrySchedule is the SPEC §6 table: 7 attempts', () => {
    assert.deepEqual(retrySchedule(), [0, 30, 120, 600, 3600, 21600, 86400])
    const copy = retrySchedule()
    copy[0] = 99
    assert.equal(retrySchedule()[0], 0, 'callers get a copy')
  })

  test('ERROR_CODES are the SPEC §4 codes', () => {
    assert.deepEqual([...ERROR_CODES], [
      'missing_signature',
      'malformed_signature',
      'timestamp_too_old',
      'timestamp_in_future',
      'no_matching_signature',
      'legacy_not_allowed',
      'invalid_payload',
    ])
    assert.equal(DEFAULT_TOLERANCE, 300)
  })
})
