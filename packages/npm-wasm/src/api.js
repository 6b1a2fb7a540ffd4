// The JavaScript face of @cstar/webhooks-wasm. One source for every entry point: the build
// (scripts/build.mjs) wraps it into the CommonJS Node entry and the ESM entries.
//
// It converts only: arguments into bytes / strings / integers, the core's JSON answers into
// objects, the core's error codes into WebhookVerificationError. Every rule (grammar,
// tolerance, signatures, flat payload, diagnosis) is decided by the Rust core in the .wasm.
// No Node built-ins, no Buffer: inputs are Uint8Array (Buffer is one), ArrayBuffer or string.

/* eslint-disable no-unused-vars */
function createApi(raw, ready) {
  'use strict';
  let codeLists;
  const DEFAULT_TOLERANCE = 300;
  const encoder = new TextEncoder();

  /** A webhook failed verification (or, with code `invalid_payload`, parsing). */
  class WebhookVerificationError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'WebhookVerificationError';
      this.code = code;
    }
  }

  function argError(message) {
    const e = new TypeError(message);
    e.code = 'invalid_argument';
    return e;
  }

  function nowSeconds() {
    return Math.floor(Date.now() / 1000);
  }

  function check() {
    if (ready) ready();
  }

  function codes() {
    if (!codeLists) {
      check();
      codeLists = JSON.parse(raw.codes());
    }
    return codeLists;
  }

  /** The 7 stable verification error codes, from the core. */
  function errorCodes() {
    return codes().codes.slice();
  }

  /** The diagnosis cause codes, from the core. */
  function causeCodes() {
    return codes().causes.slice();
  }

  /** Answers of the core: a JSON text, `{error, message}` on failure. */
  function answer(text) {
    const value = JSON.parse(text);
    if (value !== null && typeof value === 'object' && typeof value.error === 'string') {
      throw new WebhookVerificationError(value.error, value.message);
    }
    return value;
  }

  const PARSED_HINT =
    'the payload must be the raw request body (a Uint8Array, Buffer or string) exactly as received; ' +
    'it looks like a parsed JSON object: verify before parsing (e.g. express.raw({ type: "application/json" }), ' +
    'await request.arrayBuffer() or await request.text())';

  function bytes(payload, what) {
    if (payload instanceof Uint8Array) return payload;
    if (typeof payload === 'string') return encoder.encode(payload);
    if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
    if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    if (payload !== null && typeof payload === 'object') throw argError(`${what}: ${PARSED_HINT}`);
    throw argError(`${what} must be a Uint8Array or a string, got ${payload === null ? 'null' : typeof payload}`);
  }

  function secretList(secrets, what) {
    const list = typeof secrets === 'string' ? [secrets] : secrets;
    if (!Array.isArray(list) || list.length === 0) {
      throw argError(`${what || 'secrets'} must be a non-empty string or a non-empty array of strings`);
    }
    for (const s of list) {
      if (typeof s !== 'string' || s.length === 0) {
        throw argError(`${what || 'secrets'} must contain only non-empty strings`);
      }
    }
    return list;
  }

  function headerValue(header) {
    if (header === undefined || header === null) return undefined;
    if (typeof header === 'string') return header;
    if (Array.isArray(header) && header.every((h) => typeof h === 'string')) {
      // A repeated header (Node gives an array): its values joined, as HTTP says.
      return header.length === 0 ? undefined : header.join(',');
    }
    throw argError('the signature header must be a string, an array of strings, null or undefined');
  }

  function integer(value, what, min) {
    if (!Number.isSafeInteger(value) || value < min) {
      throw argError(`${what} must be a whole number${min === 0 ? ' ≥ 0' : ''} (unix seconds), got ${String(value)}`);
    }
    return BigInt(value);
  }

  function optionalInteger(value, what, min, fallback) {
    return value === undefined || value === null ? BigInt(fallback()) : integer(value, what, min);
  }

  function verifyArgs(payload, header, secrets, options) {
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw argError('options must be an object');
    }
    const o = options || {};
    const tolerance = o.tolerance === undefined ? DEFAULT_TOLERANCE : o.tolerance;
    const maxAge = integer(o.maxAge === undefined ? tolerance : o.maxAge, 'maxAge / tolerance', 0);
    const maxFuture = integer(o.maxFuture === undefined ? tolerance : o.maxFuture, 'maxFuture / tolerance', 0);
    if (o.allowLegacy !== undefined && typeof o.allowLegacy !== 'boolean') {
      throw argError('allowLegacy must be a boolean');
    }
    const allowLegacy = o.allowLegacy !== false;
    const now = optionalInteger(o.now, 'now', Number.MIN_SAFE_INTEGER, nowSeconds);
    return [bytes(payload, 'payload'), headerValue(header), secretList(secrets), maxAge, maxFuture, allowLegacy, now];
  }

  function withInfo(parsed) {
    const event = parsed.event;
    // Non-enumerable helpers: the object itself stays exactly the JSON that was sent.
    Object.defineProperty(event, 'family', { value: parsed.info.family, enumerable: false });
    Object.defineProperty(event, 'knownType', { value: parsed.info.known, enumerable: false });
    return event;
  }

  /**
   * Verifies the `X-Signature` header over the raw body.
   * @returns {{scheme: 'v1'|'legacy', timestamp: number|null, secretIndex: number}}
   */
  function verify(payload, header, secrets, options) {
    check();
    return answer(raw.verify(...verifyArgs(payload, header, secrets, options)));
  }

  /** Verifies, then parses the body into the event object (the JSON as sent). */
  function constructEvent(payload, header, secrets, options) {
    check();
    return withInfo(answer(raw.constructEvent(...verifyArgs(payload, header, secrets, options))));
  }

  /** Parses a body into an event without verifying it (for tests and tools). */
  function parseEvent(payload) {
    check();
    return withInfo(answer(raw.parseEvent(bytes(payload, 'payload'))));
  }

  /** The `X-Signature` value for the body at `timestamp` (default now), one v1 per secret. */
  function sign(payload, secrets, options) {
    check();
    const o = options || {};
    const t = optionalInteger(o.timestamp, 'timestamp', 0, nowSeconds);
    return raw.sign(bytes(payload, 'payload'), secretList(secrets), t);
  }

  /** The legacy `sha256=<hex>` value (HMAC over the body alone). */
  function signLegacy(payload, secret) {
    check();
    const [s] = secretList(typeof secret === 'string' ? [secret] : secret, 'secret');
    return raw.signLegacy(bytes(payload, 'payload'), s);
  }

  /** The full delivery header set cStar sends (for receivers' tests), as a plain object. */
  function generateTestHeaders(payload, secrets, options) {
    check();
    const o = options || {};
    const timestamp = optionalInteger(o.timestamp, 'timestamp', 0, nowSeconds);
    const attempt = o.attempt === undefined ? 1 : o.attempt;
    if (!Number.isInteger(attempt) || attempt < 1 || attempt > 0xffffffff) {
      throw argError('attempt must be a whole number ≥ 1');
    }
    for (const k of ['webhookId', 'eventId', 'eventType']) {
      if (o[k] !== undefined && typeof o[k] !== 'string') throw argError(`${k} must be a string`);
    }
    const pairs = JSON.parse(
      raw.deliveryHeaders(
        bytes(payload, 'payload'),
        secretList(secrets),
        o.webhookId === undefined ? 'whk_test' : o.webhookId,
        o.eventId,
        o.eventType,
        attempt,
        timestamp,
      ),
    );
    const out = {};
    for (const [name, value] of pairs) out[name] = value;
    return out;
  }

  function headerPairs(headers) {
    const names = [];
    const values = [];
    const add = (name, value) => {
      if (value === undefined || value === null) return;
      names.push(String(name));
      values.push(Array.isArray(value) ? value.map(String).join(',') : String(value));
    };
    if (headers === null || headers === undefined || typeof headers !== 'object') {
      throw argError('headers must be a Headers object, an array of [name, value] pairs or a plain object');
    }
    if (typeof headers.forEach === 'function' && typeof headers.get === 'function' && !Array.isArray(headers)) {
      headers.forEach((value, name) => add(name, value)); // Fetch Headers, Map
    } else if (Array.isArray(headers) || typeof headers[Symbol.iterator] === 'function') {
      for (const pair of headers) {
        if (!Array.isArray(pair) || pair.length < 2) throw argError('header pairs must be [name, value]');
        add(pair[0], pair[1]);
      }
    } else {
      for (const name of Object.keys(headers)) add(name, headers[name]);
    }
    return [names, values];
  }

  /** Finds the cStar headers (any case) in a Fetch `Headers`, pairs or a plain object. */
  function parseHeaders(headers) {
    check();
    const [names, values] = headerPairs(headers);
    return JSON.parse(raw.parseHeaders(names, values));
  }

  /**
   * Why does this request fail? `{ok, code?, message?, verified?, causes: [{code, explanation}]}`.
   * For tools (the browser inspector); never on the production path.
   */
  function diagnose(payload, header, secrets, options) {
    check();
    const o = options || {};
    const now = optionalInteger(o.now, 'now', Number.MIN_SAFE_INTEGER, nowSeconds);
    const d = JSON.parse(raw.diagnose(bytes(payload, 'payload'), headerValue(header), secretList(secrets), now));
    if (d.error !== undefined) {
      d.code = d.error;
      delete d.error;
    }
    return d;
  }

  /** The flat payload (root-level copies of `data`'s scalar fields) of a body or an object. */
  function flatten(payload) {
    check();
    let input;
    if (typeof payload === 'string' || payload instanceof Uint8Array || payload instanceof ArrayBuffer) {
      input = bytes(payload, 'payload');
    } else if (payload !== null && typeof payload === 'object') {
      input = encoder.encode(JSON.stringify(payload));
    } else {
      throw argError('flatten takes an event object, a JSON string or bytes');
    }
    return answer(raw.flatten(input)).flat;
  }

  /** The sample event of a catalog type (default `ticket.created`). */
  function samplePayload(type) {
    check();
    const t = type === undefined ? 'ticket.created' : type;
    if (typeof t !== 'string') throw argError('the event type must be a string');
    const parsed = JSON.parse(raw.samplePayload(t));
    if (!parsed.event) {
      const e = new RangeError(`no sample for "${t}": not a catalog event type`);
      e.code = 'unknown_event_type';
      throw e;
    }
    return withInfo(parsed);
  }

  /** The delays in seconds before attempts 1..7 (attempt 1 is the first delivery: 0). */
  function retrySchedule() {
    check();
    return JSON.parse(raw.retrySchedule()).delays;
  }

  /** The event-type catalog: `[{type, family, label}]`, in catalog order. */
  function catalog() {
    check();
    return JSON.parse(raw.catalog()).map(({ type, family, label }) => ({ type, family, label }));
  }

  /** What the catalog says about a type: `{type, family, label, known}`. */
  function eventTypeInfo(type) {
    check();
    if (typeof type !== 'string') throw argError('the event type must be a string');
    return JSON.parse(raw.eventTypeInfo(type));
  }

  return {
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
    errorCodes,
    causeCodes,
    WebhookVerificationError,
  };
}
