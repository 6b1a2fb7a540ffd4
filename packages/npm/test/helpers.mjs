// Helpers shared by the API-level suites. No Buffer: they also run against the WASM build.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const vectorsDir = fileURLToPath(new URL('../../../tests/vectors/', import.meta.url))

/** Reads one of the shared vector files. */
export function loadVectors(name) {
  return JSON.parse(readFileSync(vectorsDir + name, 'utf8'))
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text) {
  return encoder.encode(text)
}

/** Bytes from lowercase hex. */
export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-f]/.test(hex)) throw new Error(`bad hex in vectors: ${hex}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** The raw body of a vector case (exactly one of body, body_hex, body_repeat). */
export function caseBody(c) {
  const fields = ['body', 'body_hex', 'body_repeat'].filter((k) => k in c)
  if (fields.length !== 1) throw new Error(`case ${c.name}: expected exactly one body field, got ${fields}`)
  if ('body' in c) return utf8(c.body)
  if ('body_hex' in c) return fromHex(c.body_hex)
  return utf8(c.body_repeat.pattern.repeat(c.body_repeat.count))
}

/** The verify options of a vector case, in the JS API's names. */
export function caseOptions(c) {
  return {
    maxAge: c.options.max_age,
    maxFuture: c.options.max_future,
    allowLegacy: c.options.allow_legacy,
    now: c.now,
  }
}

/** The unix time of an RFC 3339 UTC timestamp with seconds. */
export function unix(rfc3339) {
  return Math.floor(Date.parse(rfc3339) / 1000)
}
