// Every case of tests/vectors/signatures.json and tests/vectors/events.json (shared suite).
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import api from './impl.cjs'
import { loadVectors, caseBody, caseOptions, utf8 } from './helpers.mjs'

const { verify, constructEvent, parseEvent, sign, signLegacy, flatten, eventTypeInfo, WebhookVerificationError } = api
const signatures = loadVectors('signatures.json')
const events = loadVectors('events.json')

function assertFailsWith(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof WebhookVerificationError, `expected a WebhookVerificationError, got ${e && e.name}: ${e && e.message}`)
    assert.equal(e.code, code)
    return true
  })
}

test('vector files are the version this suite reads', () => {
  assert.equal(signatures.version, 1)
  assert.equal(events.version, 1)
  assert.ok(signatures.verify.length > 0 && signatures.sign.length > 0)
  assert.ok(events.parse.length > 0 && events.flatten.length > 0)
  for (const list of [signatures.verify, signatures.sign, events.parse, events.flatten]) {
    const names = list.map((c) => c.name)
    assert.equal(new Set(names).size, names.length, 'case names are unique')
  }
})

describe('signatures.json: verify', () => {
  for (const c of signatures.verify) {
    test(c.name, () => {
      const body = caseBody(c)
      const run = () => verify(body, c.header, c.secrets, caseOptions(c))
      if (c.expected.ok) {
        assert.deepEqual(run(), {
          scheme: c.expected.scheme,
          timestamp: c.expected.timestamp,
          secretIndex: c.expected.secret_index,
        })
      } else {
        assertFailsWith(run, c.expected.code)
      }
    })
  }
})

describe('signatures.json: sign', () => {
  for (const c of signatures.sign) {
    test(c.name, () => {
      const body = caseBody(c)
      if (c.scheme === 'v1') {
        const header = sign(body, c.secrets, { timestamp: c.timestamp })
        assert.equal(header, c.expected_header)
        c.secrets.forEach((secret) => {
          assert.deepEqual(verify(body, header, secret, { now: c.timestamp }), {
            scheme: 'v1',
            timestamp: c.timestamp,
            secretIndex: 0,
          })
        })
        // All secrets at once: the first one matches.
        assert.equal(verify(body, header, c.secrets, { now: c.timestamp }).secretIndex, 0)
      } else {
        assert.equal(c.scheme, 'legacy')
        assert.equal(c.secrets.length, 1)
        const header = signLegacy(body, c.secrets[0])
        assert.equal(header, c.expected_header)
        assert.deepEqual(verify(body, header, c.secrets), { scheme: 'legacy', timestamp: null, secretIndex: 0 })
      }
    })
  }
})

function checkParsed(event, expected) {
  assert.equal(event.id, expected.id)
  assert.equal(event.type, expected.type)
  assert.equal(event.team_id, expected.team_id)
  assert.equal(event.created_at, expected.created_at)
  assert.deepEqual(Object.keys(event.data), expected.data_keys)
  const info = eventTypeInfo(event.type)
  assert.equal(info.known, expected.known_type)
  assert.equal(info.family, expected.family)
}

describe('events.json: parse', () => {
  for (const c of events.parse) {
    test(c.name, () => {
      const body = utf8(c.body)
      if (c.expected.ok) {
        const event = parseEvent(body)
        checkParsed(event, c.expected)
        assert.equal(event.raw, c.body, 'the raw body is kept')
      } else {
        assert.equal(c.expected.code, 'invalid_payload')
        assertFailsWith(() => parseEvent(body), 'invalid_payload')
      }
    })
    test(`${c.name} (constructEvent over a signed body)`, () => {
      const body = utf8(c.body)
      const secret = 'whsec_vectorsVectorsVectorsVectors00'
      const now = 1711800000
      const header = sign(body, secret, { timestamp: now })
      const run = () => constructEvent(body, header, secret, { now })
      if (c.expected.ok) {
        checkParsed(run(), c.expected)
      } else {
        assertFailsWith(run, 'invalid_payload')
      }
    })
  }
})

describe('events.json: flatten', () => {
  for (const c of events.flatten) {
    test(c.name, () => {
      for (const input of [c.input_text, utf8(c.input_text), c.input]) {
        const flat = flatten(input)
        assert.deepEqual(Object.keys(flat), c.expected_keys)
        assert.deepEqual(flat, c.expected)
      }
    })
  }
})
