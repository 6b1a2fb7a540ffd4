// The JavaScript face of @cstar/webhooks-wasm: one source for every entry point (the build,
// scripts/build.mjs, wraps it into the CommonJS Node entry, the ESM entries and the classic
// script). It mirrors packages/npm/index.js, the native package's face, so that both packages
// have the same names, shapes, argument checks and error codes (one test suite runs on both).
//
// It converts only: arguments into bytes / strings / integers, the core's JSON answers into
// objects, the core's error codes into WebhookVerificationError. Every rule (grammar,
// tolerance, signatures, flat payload, diagnosis, catalog) is the Rust core's, in the .wasm.
// No Node built-ins and no Buffer: inputs are Uint8Array (a Buffer is one), ArrayBuffer or string.

// `raw` is the wasm-bindgen module; `ready()` throws when the .wasm is not initialised yet.
function createApi(raw, ready) {
  'use strict';

  /** The code of errors about arguments (wrong type or range). */
  const INVALID_ARGUMENT = 'invalid_argument';
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  let constants;
  /** The core's constants, read once (after init in the web entry). */
  function core() {
    if (!constants) {
      if (ready) ready();
      const c = JSON.parse(raw.codes());
      const catalog = Object.freeze(JSON.parse(raw.catalog()).map((info) => Object.freeze(info)));
      constants = {
        ERROR_CODES: Object.freeze(c.codes),
        CODE_SET: new Set(c.codes),
        CAUSE_CODES: Object.freeze(c.causes),
        DEFAULT_TOLERANCE: c.defaultTolerance,
        CATALOG: catalog,
        EVENT_TYPES: Object.freeze(catalog.map((info) => info.type)),
      };
    }
    return constants;
  }

  class WebhookVerificationError extends Error {
    constructor(code, message, options) {
      super(message === undefined ? code : message, options);
      this.name = 'WebhookVerificationError';
      this.code = code;
      this.statusCode = 400;
    }
  }

  function isWebhookVerificationError(value) {
    return (
      value instanceof WebhookVerificationError ||
      (value instanceof Error && value.name === 'WebhookVerificationError' && core().CODE_SET.has(value.code))
    );
  }

  function argumentError(message, Kind = TypeError) {
    const error = new Kind(message);
    error.code = INVALID_ARGUMENT;
    return error;
  }

  /** The core answers with JSON text; `{"error": code, "message": text}` on failure. */
  function answer(text) {
    const value = JSON.parse(text);
    if (value !== null && typeof value === 'object' && typeof value.error === 'string') {
      if (value.error === INVALID_ARGUMENT) throw argumentError(value.message, RangeError);
      throw new WebhookVerificationError(value.error, value.message);
    }
    return value;
  }

  const PARSED_BODY_HINT =
    'the payload must be the raw request body exactly as received (a Uint8Array, Buffer or string), ' +
    'but a parsed object was given: the signature covers the exact bytes, and JSON.stringify() of a ' +
    'parsed body does not give them back. Read the raw body instead: await request.arrayBuffer() or ' +
    'await request.text() in fetch handlers (Workers, Deno, Bun, Next.js), express.raw({ type: "application/json" }) in Express';

  function describe(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value;
  }

  /** The payload as bytes; `text` tells whether it came as a string. */
  function payloadArg(payload, what = 'payload') {
    if (payload instanceof Uint8Array) return payload;
    if (typeof payload === 'string') return encoder.encode(payload);
    if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
    if (payload === undefined || payload === null) {
      throw argumentError(`${what} is ${payload}: pass the raw request body (a Uint8Array, Buffer or string)`);
    }
    if (typeof payload === 'object') throw argumentError(`${what}: ${PARSED_BODY_HINT}`);
    throw argumentError(`${what} must be a Uint8Array, Buffer or string, got ${typeof payload}`);
  }

  function secretsArg(secrets, what = 'secrets') {
    const list = typeof secrets === 'string' ? [secrets] : secrets;
    if (!Array.isArray(list)) {
      throw argumentError(`${what} must be a string or an array of strings, got ${describe(secrets)}`);
    }
    if (list.length === 0) {
      throw argumentError(`${what} is an empty list: pass the webhook's signing secret (whsec_…)`);
    }
    for (const s of list) {
      if (typeof s !== 'string') {
        throw argumentError(`${what} must be a string or an array of strings, got an array holding ${describe(s)}`);
      }
      if (s.length === 0) {
        throw argumentError(`${what}: a secret is the empty string (is the environment variable holding it set?)`);
      }
    }
    return list;
  }

  function secretArg(secret) {
    if (typeof secret !== 'string') throw argumentError(`secret must be a string, got ${describe(secret)}`);
    return secretsArg(secret, 'secret')[0];
  }

  function headerArg(header) {
    if (header === undefined || header === null) return undefined;
    if (typeof header === 'string') return header;
    if (Array.isArray(header) && header.every((h) => typeof h === 'string')) {
      // Several X-Signature fields: combined as one comma-separated list (RFC 9110 §5.3).
      return header.join(',');
    }
    throw argumentError(`header must be the X-Signature value (a string), got ${describe(header)}`);
  }

  function integerArg(value, what, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw argumentError(`${what} must be a number, got ${describe(value)}`);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw argumentError(
        `${what} must be a whole number${min === 0 ? ' >= 0' : ''} within ±2^53, got ${value}`,
        RangeError,
      );
    }
    return value;
  }

  const EMPTY = Object.freeze({});
  function optionsArg(options) {
    if (options === undefined || options === null) return EMPTY;
    if (typeof options !== 'object') throw argumentError(`options must be an object, got ${describe(options)}`);
    return options;
  }

  /** The binding reads no clock: the current time is read here, where the platform has one. */
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function verifyArgs(payload, header, secrets, options) {
    if (ready) ready();
    const body = payloadArg(payload);
    const o = optionsArg(options);
    const tolerance = integerArg(o.tolerance, 'options.tolerance', 0);
    const maxAge = integerArg(o.maxAge, 'options.maxAge', 0);
    const maxFuture = integerArg(o.maxFuture, 'options.maxFuture', 0);
    if (o.allowLegacy !== undefined && typeof o.allowLegacy !== 'boolean') {
      throw argumentError(`options.allowLegacy must be a boolean, got ${describe(o.allowLegacy)}`);
    }
    const fallback = tolerance === undefined ? core().DEFAULT_TOLERANCE : tolerance;
    const now = integerArg(o.now, 'options.now');
    return [
      body,
      headerArg(header),
      secretsArg(secrets),
      BigInt(maxAge === undefined ? fallback : maxAge),
      BigInt(maxFuture === undefined ? fallback : maxFuture),
      o.allowLegacy !== false,
      BigInt(now === undefined ? nowSeconds() : now),
      // A text payload is often a body that was parsed and printed again: let the core's
      // diagnosis name the cause when no signature matches.
      typeof payload === 'string',
    ];
  }

  /** Verifies the X-Signature header over the raw body: `{scheme, timestamp, secretIndex}`. */
  function verify(payload, header, secrets, options) {
    // The hot path answers with a number: 2 × secretIndex + (1 for legacy), or -1 on failure.
    const r = raw.verify(...verifyArgs(payload, header, secrets, options));
    if (r < 0) answer(raw.lastError()); // throws the WebhookVerificationError
    const timestamp = raw.lastTimestamp();
    return { scheme: r % 2 === 1 ? 'legacy' : 'v1', timestamp: Number.isNaN(timestamp) ? null : timestamp, secretIndex: Math.floor(r / 2) };
  }

  /** The event object: the core's JSON (envelope keys first), plus a non-enumerable `raw`. */
  function toEvent(event, body) {
    let text = typeof body === 'string' ? body : undefined;
    Object.defineProperty(event, 'raw', {
      enumerable: false,
      configurable: true,
      get() {
        if (text === undefined) text = decoder.decode(body);
        return text;
      },
    });
    return event;
  }

  /** Verifies, then parses the body into the event. */
  function constructEvent(payload, header, secrets, options) {
    const args = verifyArgs(payload, header, secrets, options);
    return toEvent(answer(raw.constructEvent(...args)).event, typeof payload === 'string' ? payload : args[0]);
  }

  /** Parses a body into the event, without verifying it (tests, tools). */
  function parseEvent(payload) {
    if (ready) ready();
    const body = payloadArg(payload);
    return toEvent(answer(raw.parseEvent(body)).event, typeof payload === 'string' ? payload : body);
  }

  /** The X-Signature value `t=…,v1=…` (one v1 per secret) at `options.timestamp` (default now). */
  function sign(payload, secrets, options) {
    if (ready) ready();
    const body = payloadArg(payload);
    const o = optionsArg(options);
    const t = integerArg(o.timestamp, 'options.timestamp');
    const header = raw.sign(body, secretsArg(secrets), BigInt(t === undefined ? nowSeconds() : t));
    return header.startsWith('{') ? answer(header) : header;
  }

  /** The legacy `sha256=<hex>` value (HMAC over the body alone). */
  function signLegacy(payload, secret) {
    if (ready) ready();
    return raw.signLegacy(payloadArg(payload), secretArg(secret));
  }

  function optionalString(value, what) {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    throw argumentError(`${what} must be a string, got ${describe(value)}`);
  }

  /** The full delivery header set cStar sends, as a plain object (for receivers' tests). */
  function generateTestHeaders(payload, secrets, options) {
    if (ready) ready();
    const body = payloadArg(payload);
    const o = optionsArg(options);
    const list = secretsArg(secrets);
    const webhookId = optionalString(o.webhookId, 'options.webhookId');
    const eventId = optionalString(o.eventId, 'options.eventId');
    const eventType = optionalString(o.eventType, 'options.eventType');
    const attempt = integerArg(o.attempt, 'options.attempt', 0, 0xffffffff);
    const t = integerArg(o.timestamp, 'options.timestamp');
    const pairs = answer(
      raw.deliveryHeaders(
        body,
        list,
        webhookId,
        eventId,
        eventType,
        attempt === undefined ? 1 : attempt,
        BigInt(t === undefined ? nowSeconds() : t),
      ),
    );
    return Object.fromEntries(pairs);
  }

  function headerPairs(headers) {
    const names = [];
    const values = [];
    const add = (name, value) => {
      if (value === undefined || value === null) return;
      if (Array.isArray(value)) {
        for (const v of value) add(name, v);
        return;
      }
      names.push(String(name));
      values.push(String(value));
    };
    if (headers === undefined || headers === null || typeof headers !== 'object') {
      throw argumentError(
        `headers must be an object (a Fetch Headers, IncomingHttpHeaders, a Map or a plain object), got ${describe(headers)}`,
      );
    }
    if (typeof headers.forEach === 'function' && typeof headers.get === 'function' && !(headers instanceof Map)) {
      // Fetch `Headers` (and look-alikes): names come lower-cased, repeats joined by ", ".
      headers.forEach((value, name) => add(name, value));
    } else if (typeof headers[Symbol.iterator] === 'function') {
      // A Map, or an iterable of [name, value] pairs.
      for (const entry of headers) {
        if (!Array.isArray(entry) || entry.length !== 2) {
          throw argumentError('headers: an iterable of headers must yield [name, value] pairs');
        }
        add(entry[0], entry[1]);
      }
    } else {
      for (const name of Object.keys(headers)) add(name, headers[name]);
    }
    return [names, values];
  }

  /** Finds the cStar headers (any case) in a Fetch `Headers`, a Map, pairs or a plain object. */
  function parseHeaders(headers) {
    if (ready) ready();
    const [names, values] = headerPairs(headers);
    return JSON.parse(raw.parseHeaders(names, values));
  }

  /** Why does this request fail? For tools (the inspector); never on the production path. */
  function diagnose(payload, header, secrets, options) {
    if (ready) ready();
    const body = payloadArg(payload);
    const o = optionsArg(options);
    const now = integerArg(o.now, 'options.now');
    const d = JSON.parse(
      raw.diagnose(body, headerArg(header), secretsArg(secrets), BigInt(now === undefined ? nowSeconds() : now)),
    );
    return d.ok
      ? { ok: true, verified: d.verified, causes: d.causes }
      : { ok: false, code: d.code, message: d.message, causes: d.causes };
  }

  /** The flat payload (root-level copies of `data`'s scalar fields) of a body or an object. */
  function flatten(payload) {
    if (ready) ready();
    let body = payload;
    if (payload !== null && typeof payload === 'object' && !ArrayBuffer.isView(payload) && !(payload instanceof ArrayBuffer)) {
      body = JSON.stringify(payload);
    }
    return answer(raw.flatten(payloadArg(body))).flat;
  }

  /** The sample event of a catalog type; `undefined` for a type outside the catalog. */
  function samplePayload(type) {
    if (ready) ready();
    if (typeof type !== 'string') throw argumentError(`type must be an event type string, got ${describe(type)}`);
    const text = raw.samplePayload(type);
    const answerValue = JSON.parse(text);
    if (answerValue.event === undefined) return undefined;
    // `raw` is the core's JSON text of the sample, exactly (the answer is `{"event":<json>}`).
    return toEvent(answerValue.event, text.slice('{"event":'.length, -1));
  }

  /** The delays in seconds before attempts 1..7 (attempt 1 is the first delivery: 0). */
  function retrySchedule() {
    if (ready) ready();
    return JSON.parse(raw.retrySchedule()).delays;
  }

  /** The event-type catalog: `[{type, family, label, known}]`, in catalog order. */
  function catalog() {
    return core().CATALOG.map((info) => ({ ...info }));
  }

  /** What the catalog says about a type string: `{type, family, label, known}`. */
  function eventTypeInfo(type) {
    if (ready) ready();
    if (typeof type !== 'string') throw argumentError(`type must be an event type string, got ${describe(type)}`);
    return JSON.parse(raw.eventTypeInfo(type));
  }

  /** Whether `event` has a catalog type (narrows the `Event` union in TypeScript). */
  function isKnownEvent(event) {
    return event !== null && typeof event === 'object' && core().EVENT_TYPES.includes(event.type);
  }

  /** Whether `event` has one of `types` (catalog types only). */
  function isEventType(event, ...types) {
    return (
      event !== null &&
      typeof event === 'object' &&
      typeof event.type === 'string' &&
      types.includes(event.type) &&
      core().EVENT_TYPES.includes(event.type)
    );
  }

  return {
    isKnownEvent,
    isEventType,
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
    INVALID_ARGUMENT,
    /** The core's constants (ERROR_CODES, CAUSE_CODES, EVENT_TYPES, DEFAULT_TOLERANCE). */
    constants() {
      const c = core();
      return {
        ERROR_CODES: c.ERROR_CODES,
        CAUSE_CODES: c.CAUSE_CODES,
        EVENT_TYPES: c.EVENT_TYPES,
        DEFAULT_TOLERANCE: c.DEFAULT_TOLERANCE,
      };
    },
  };
}
