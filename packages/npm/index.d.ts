/**
 * `@cstar/webhooks`: verify cStar webhook requests in Node.js.
 *
 * A native addon (napi-rs) over the Rust core that every cStar SDK shares: the same
 * signature rules, error codes and event catalog in every language.
 *
 * @example
 * ```ts
 * import { constructEvent, WebhookVerificationError } from '@cstar/webhooks'
 *
 * // rawBody: the request body exactly as received (Buffer, Uint8Array or string)
 * try {
 *   const event = constructEvent(rawBody, req.headers['x-signature'], process.env.CSTAR_WEBHOOK_SECRET!)
 *   if (event.type === 'ticket.created') console.log(event.data.ticket.prefixed_id)
 * } catch (e) {
 *   if (e instanceof WebhookVerificationError) res.status(400).json({ code: e.code })
 *   else throw e
 * }
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------
// Inputs

/**
 * A raw request body: the bytes exactly as received. A `string` is taken as its UTF-8
 * bytes (fine for bodies read with `await request.text()`, but never pass
 * `JSON.stringify(parsedBody)`: the signature covers the original bytes).
 */
export type Payload = Uint8Array | ArrayBuffer | ArrayBufferView | string

/**
 * The `X-Signature` header value. An array (several header fields) is combined into one
 * comma-separated list; `null`/`undefined` means the header is absent.
 */
export type SignatureHeaderValue = string | readonly string[] | null | undefined

/**
 * One signing secret, or several during a rotation (newest first is the usual order).
 * The HMAC key is the secret's UTF-8 text, `whsec_` prefix included.
 */
export type Secrets = string | readonly string[]

/** How {@link verify} and {@link constructEvent} check a request. */
export interface VerifyOptions {
  /**
   * Tolerance in seconds, in both directions (how old, and how far in the future, the
   * signed timestamp may be). Default 300. A difference exactly equal to it passes.
   */
  tolerance?: number
  /** How old the signed timestamp may be, in seconds. Overrides `tolerance` for that direction. */
  maxAge?: number
  /** How far in the future the signed timestamp may be, in seconds. Overrides `tolerance` for that direction. */
  maxFuture?: number
  /**
   * Whether the legacy `sha256=<hex>` scheme (no timestamp, no replay protection) is
   * accepted. Default `true`, as the cStar guide promises.
   */
  allowLegacy?: boolean
  /** The current time in unix seconds (for tests). Default: the system clock. */
  now?: number
}

// ---------------------------------------------------------------------------------------
// Verification

/** The signature scheme a request used. */
export type Scheme = 'v1' | 'legacy'

/** The result of a successful verification. */
export interface Verified {
  /** `'v1'` (`t=…,v1=…`) or `'legacy'` (`sha256=…`). */
  scheme: Scheme
  /** The signed timestamp in unix seconds; `null` for the legacy scheme, which has none. */
  timestamp: number | null
  /**
   * Index (into the secrets given) of the first secret that matched: during a rotation it
   * tells whether the sender still uses the old secret.
   */
  secretIndex: number
}

/**
 * The stable error codes, identical in every cStar SDK:
 *
 * | code | when |
 * |---|---|
 * | `missing_signature` | header absent or empty |
 * | `malformed_signature` | not `sha256=…` and not a `t=…,v1=…` list |
 * | `timestamp_too_old` | the signed timestamp is older than the tolerance |
 * | `timestamp_in_future` | the signed timestamp is further ahead than the tolerance |
 * | `no_matching_signature` | well-formed, but no signature matches any secret |
 * | `legacy_not_allowed` | a legacy header while legacy is refused |
 * | `invalid_payload` | ({@link constructEvent} only) signature fine, body is not an event |
 */
export type VerifyErrorCode =
  | 'missing_signature'
  | 'malformed_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_matching_signature'
  | 'legacy_not_allowed'
  | 'invalid_payload'

/** Every {@link VerifyErrorCode}, in SPEC order, as the native core reports them. */
export declare const ERROR_CODES: readonly VerifyErrorCode[]

/**
 * Thrown when a request fails verification (or, for {@link constructEvent}, parsing).
 * Narrow on {@link WebhookVerificationError.code}; the message explains the usual fix and
 * never contains a secret or the expected signature.
 *
 * @example
 * ```ts
 * try { verify(body, header, secret) } catch (e) {
 *   if (e instanceof WebhookVerificationError && e.code === 'timestamp_too_old') { … }
 * }
 * ```
 */
export declare class WebhookVerificationError extends Error {
  /** @param code - the stable code. @param message - a human-readable message (defaults to the code). */
  constructor(code: VerifyErrorCode, message?: string, options?: { cause?: unknown })
  /** Always `'WebhookVerificationError'`. */
  readonly name: 'WebhookVerificationError'
  /** The stable, machine-readable code. */
  readonly code: VerifyErrorCode
  /** The HTTP status a receiver should answer with: always 400. */
  readonly statusCode: 400
}

/**
 * Whether `value` is a {@link WebhookVerificationError} (also across copies of this package,
 * where `instanceof` fails).
 */
export declare function isWebhookVerificationError(value: unknown): value is WebhookVerificationError

/**
 * The `code` of the `TypeError`/`RangeError` thrown for arguments of the wrong type or
 * range (a parsed object instead of the raw body, an empty secret, a fractional `now`, …).
 */
export declare const INVALID_ARGUMENT: 'invalid_argument'

/** An argument error: a `TypeError` or `RangeError` whose `code` is {@link INVALID_ARGUMENT}. */
export interface InvalidArgumentError extends TypeError {
  /** Always `'invalid_argument'`. */
  readonly code: 'invalid_argument'
}

/** The default tolerance in each direction, in seconds (300). */
export declare const DEFAULT_TOLERANCE: number

/**
 * Verifies a request's `X-Signature` over its raw body.
 *
 * Checks, in order: the header grammar, the timestamp (v1 only), the signatures
 * (constant-time). With a text payload, a failure names the likely cause when the core's
 * diagnosis finds one (most often: the body was parsed and re-serialized).
 *
 * @param payload - the raw request body exactly as received.
 * @param header - the `X-Signature` value.
 * @param secrets - the webhook's signing secret(s).
 * @returns which scheme, timestamp and secret matched.
 * @throws {@link WebhookVerificationError} when verification fails.
 * @throws `TypeError`/`RangeError` with `code: 'invalid_argument'` for bad arguments
 *   (e.g. a parsed object instead of the raw body).
 */
export declare function verify(
  payload: Payload,
  header: SignatureHeaderValue,
  secrets: Secrets,
  options?: VerifyOptions,
): Verified

/**
 * Verifies the request like {@link verify}, then parses the body as a cStar event.
 *
 * @returns the typed {@link Event}; narrow it on `event.type`.
 * @throws {@link WebhookVerificationError} (including `invalid_payload` when the signature
 *   is valid but the body is not an event envelope).
 */
export declare function constructEvent(
  payload: Payload,
  header: SignatureHeaderValue,
  secrets: Secrets,
  options?: VerifyOptions,
): Event

/**
 * Parses a body as a cStar event **without verifying it**: for tests and tools only. On the
 * request path, use {@link constructEvent}.
 *
 * @throws {@link WebhookVerificationError} with code `invalid_payload`.
 */
export declare function parseEvent(payload: Payload): Event

// ---------------------------------------------------------------------------------------
// Signing (for receivers' tests)

/** Options of {@link sign}. */
export interface SignOptions {
  /** The signed time in unix seconds. Default: now. */
  timestamp?: number
}

/**
 * Signs a body as cStar does: `t=<timestamp>,v1=<hex>`, one `v1` per secret, in order.
 * For tests of your receiver; senders use the reference sender.
 *
 * @throws `RangeError`/`TypeError` with `code` `invalid_argument` for no secret, an empty
 * secret or a negative timestamp: a header no verifier would accept.
 */
export declare function sign(payload: Payload, secrets: Secrets, options?: SignOptions): string

/** Signs a body with the legacy scheme: `sha256=<hex>` (HMAC-SHA256 of the body alone). */
export declare function signLegacy(payload: Payload, secret: string): string

/** Options of {@link generateTestHeaders}. */
export interface TestHeaderOptions {
  /** `X-Webhook-ID`. Default `whk_test`. */
  webhookId?: string
  /** `X-Event-ID`. Default: the body's `id` when it is an event, else empty. */
  eventId?: string
  /** `X-Event-Type`. Default: the body's `type` when it is an event, else empty. */
  eventType?: string
  /** `X-Delivery-Attempt`. Default 1. */
  attempt?: number
  /** The send time (unix seconds) for `X-Timestamp` and the signature's `t`. Default: now. */
  timestamp?: number
}

/**
 * The full header set cStar sends with a delivery (SPEC §3), in order:
 * `Content-Type`, `X-Webhook-ID`, `X-Event-Type`, `X-Event-ID`, `X-Timestamp`,
 * `X-Signature`, `X-Delivery-Attempt`, `User-Agent`. For tests of your receiver:
 *
 * @example
 * ```ts
 * const body = JSON.stringify(samplePayload('ticket.created'))
 * await fetch(url, { method: 'POST', body, headers: generateTestHeaders(body, secret) })
 * ```
 */
export declare function generateTestHeaders(
  payload: Payload,
  secrets: Secrets,
  options?: TestHeaderOptions,
): Record<string, string>

// ---------------------------------------------------------------------------------------
// Headers

/**
 * Request headers in any common shape: Node's `IncomingHttpHeaders` (`req.headers`), a Fetch
 * `Headers`, a `Map`, an iterable of `[name, value]` pairs, or a plain object. Names match
 * in any case.
 */
export type HeadersInput =
  | Record<string, string | readonly string[] | number | undefined | null>
  | { forEach(callback: (value: string, name: string) => void): void; get(name: string): string | null }
  | Iterable<readonly [string, string]>

/** The cStar headers of a request (`null` when absent). */
export interface WebhookHeaders {
  /** `X-Signature`. */
  signature: string | null
  /** `X-Webhook-ID`. */
  webhookId: string | null
  /** `X-Event-Type`. */
  eventType: string | null
  /** `X-Event-ID`: the idempotency key. */
  eventId: string | null
  /** `X-Timestamp`, as received (RFC 3339). */
  timestamp: string | null
  /** `X-Delivery-Attempt`, as received. */
  deliveryAttempt: string | null
  /** `User-Agent`. */
  userAgent: string | null
  /** `Content-Type`. */
  contentType: string | null
  /** `X-Delivery-Attempt` as a number (1..7), when it is one. */
  attempt: number | null
  /** `X-Timestamp` as unix seconds, when it is RFC 3339. */
  timestampUnix: number | null
}

/**
 * Finds the cStar headers of a request, in any case. When a header repeats, the first
 * value wins.
 */
export declare function parseHeaders(headers: HeadersInput): WebhookHeaders

// ---------------------------------------------------------------------------------------
// Diagnosis

/** The codes of {@link Cause}. */
export type CauseCode =
  | 'body_reserialized'
  | 'trailing_newline'
  | 'crlf'
  | 'secret_whitespace'
  | 'timestamp_milliseconds'
  | 'clock_skew'
  | 'scheme_mismatch'
  | 'wrong_secret'

/** Every {@link CauseCode}, as the native core reports them. */
export declare const CAUSE_CODES: readonly CauseCode[]

/** A likely cause of a failing signature. */
export interface Cause {
  /** The stable cause code. */
  code: CauseCode
  /** A plain-language explanation naming the fix. */
  explanation: string
  /** For `clock_skew` only: the signed `t` minus now, in seconds (positive: the sender's clock is ahead). */
  seconds?: number
}

/** The result of {@link diagnose}. */
export type Diagnosis =
  | {
      /** A default verifier (300 s, legacy allowed) accepts the request. */
      ok: true
      /** What matched. */
      verified: Verified
      /** Always empty. */
      causes: Cause[]
    }
  | {
      /** A default verifier refuses the request. */
      ok: false
      /** Why it is refused. */
      code: VerifyErrorCode
      /** The error message. */
      message: string
      /** Likely causes, most specific first (empty for a missing or malformed header). */
      causes: Cause[]
    }

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** The current time in unix seconds. Default: the system clock. */
  now?: number
}

/**
 * Explains why a request fails verification: the body was re-serialized, a newline or CRLF
 * was added, the secret has stray whitespace, the timestamp is in milliseconds, the other
 * scheme was used, the clocks are skewed by N seconds, or (when nothing else matches) the
 * secret is wrong. Slow on purpose (it tries many variants): for debugging, never on the
 * request path.
 */
export declare function diagnose(
  payload: Payload,
  header: SignatureHeaderValue,
  secrets: Secrets,
  options?: DiagnoseOptions,
): Diagnosis

// ---------------------------------------------------------------------------------------
// Events

/** The 14 event types of the catalog. */
export type KnownEventType =
  | 'ticket.created'
  | 'ticket.updated'
  | 'ticket.assigned'
  | 'ticket.resolved'
  | 'ticket.deleted'
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'article.published'
  | 'article.updated'
  | 'article.archived'
  | 'gamification.boss_defeated'
  | 'gamification.badge_earned'
  | 'gamification.level_up'

/** Every catalog type, in catalog order. */
export declare const EVENT_TYPES: readonly KnownEventType[]

/**
 * A type string outside this version's catalog (forward compatibility: receivers must
 * accept types they do not know).
 */
export type UnknownEventType = string

/** An event family, decided by the catalog (`ticket.merged` is `unknown`). */
export type Family = 'tickets' | 'customers' | 'articles' | 'gamification' | 'unknown'

/** What the catalog says about an event type. */
export interface EventTypeInfo {
  /** The type string. */
  type: string
  /** Its family; `unknown` outside the catalog. */
  family: Family
  /** The family's label: `Tickets`, `Customers`, `Articles`, `Gamification` or `Unknown`. */
  label: string
  /** Whether the type is one of the catalog's 14. */
  known: boolean
}

/** The catalog: every known type with its family, in catalog order. */
export declare function catalog(): EventTypeInfo[]

/** What the catalog says about a type string (case-sensitive: `Ticket.Created` is unknown). */
export declare function eventTypeInfo(type: string): EventTypeInfo

/** Ticket status; unknown values are kept as they come. */
export type TicketStatus = 'new' | 'open' | 'pending' | 'resolved' | 'closed' | (string & {})
/** Ticket priority; unknown values are kept as they come. */
export type Priority = 'low' | 'normal' | 'high' | 'urgent' | (string & {})
/** The channel a ticket came in through; unknown values are kept as they come. */
export type Channel = 'widget' | 'email' | 'chat' | 'phone' | 'api' | (string & {})
/** Article status; unknown values are kept as they come. */
export type ArticleStatus = 'draft' | 'published' | 'archived' | (string & {})

/** A support ticket. */
export interface Ticket {
  /** `tkt_…` */
  id: string
  /** The human-facing id, e.g. `CST-1024`. */
  prefixed_id: string
  /** The subject. */
  title: string
  /** The status. */
  status: TicketStatus
  /** The priority. */
  priority: Priority
  /** Where it came from. */
  channel: Channel
  /** The customer (`cus_…`). */
  customer_id: string
  /** The assigned agent (`agt_…`), if any. */
  assignee_id?: string | null
  /** RFC 3339 UTC. */
  created_at: string
  /** RFC 3339 UTC. */
  updated_at?: string | null
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A customer. */
export interface Customer {
  /** `cus_…` */
  id: string
  /** The display name. */
  name: string
  /** The e-mail address. */
  email: string
  /** RFC 3339 UTC. */
  created_at?: string | null
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A knowledge-base article. */
export interface Article {
  /** `art_…` */
  id: string
  /** The title. */
  title: string
  /** The URL slug. */
  slug: string
  /** The status. */
  status: ArticleStatus
  /** The author (`agt_…`). */
  author_id: string
  /** The public URL. */
  url?: string | null
  /** RFC 3339 UTC. */
  published_at?: string | null
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A support agent. */
export interface Agent {
  /** `agt_…` */
  id: string
  /** The display name. */
  name: string
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A gamification boss. */
export interface Boss {
  /** `bos_…` */
  id: string
  /** The boss's name. */
  name: string
  /** Its level. */
  level: number
  /** Remaining hit points. */
  hp: number
  /** RFC 3339 UTC. */
  defeated_at: string
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A gamification badge. */
export interface Badge {
  /** `bdg_…` */
  id: string
  /** The badge's name. */
  name: string
  /** RFC 3339 UTC. */
  earned_at: string
  /** Fields this version does not know. */
  [field: string]: unknown
}

/** A level change. */
export interface Level {
  /** The level before. */
  previous: number
  /** The level now. */
  current: number
  /** Experience points. */
  xp: number
  /** Fields this version does not know. */
  [field: string]: unknown
}

/**
 * The envelope every event shares. Unknown top-level keys (e.g. flat-payload copies such
 * as `ticket_id`) are kept.
 */
export interface EventEnvelope<T extends string, D> {
  /** `evt_…`: the idempotency key (a redelivery repeats it). */
  id: string
  /** The event type: the discriminant of {@link Event}. */
  type: T
  /** RFC 3339 UTC. */
  created_at: string
  /** The cStar team's UUID. */
  team_id: string
  /** The objects the event concerns, keyed by object name. */
  data: D
  /**
   * The raw body text the event was parsed from (non-enumerable: `JSON.stringify(event)`
   * and spreads leave it out).
   */
  readonly raw: string
  /** Top-level keys this version does not know. */
  [key: string]: unknown
}

/** `ticket.created`, `ticket.updated`, `ticket.assigned`, `ticket.resolved`, `ticket.deleted`. */
export type TicketEvent = EventEnvelope<
  'ticket.created' | 'ticket.updated' | 'ticket.assigned' | 'ticket.resolved' | 'ticket.deleted',
  { ticket: Ticket; customer?: Customer | null; [key: string]: unknown }
>
/** `customer.created`, `customer.updated`, `customer.deleted`. */
export type CustomerEvent = EventEnvelope<
  'customer.created' | 'customer.updated' | 'customer.deleted',
  { customer: Customer; [key: string]: unknown }
>
/** `article.published`, `article.updated`, `article.archived`. */
export type ArticleEvent = EventEnvelope<
  'article.published' | 'article.updated' | 'article.archived',
  { article: Article; [key: string]: unknown }
>
/** `gamification.boss_defeated`. */
export type BossDefeatedEvent = EventEnvelope<
  'gamification.boss_defeated',
  { boss: Boss; agent: Agent; [key: string]: unknown }
>
/** `gamification.badge_earned`. */
export type BadgeEarnedEvent = EventEnvelope<
  'gamification.badge_earned',
  { badge: Badge; agent: Agent; [key: string]: unknown }
>
/** `gamification.level_up`. */
export type LevelUpEvent = EventEnvelope<
  'gamification.level_up',
  { level: Level; agent: Agent; [key: string]: unknown }
>
/** An event whose type this version does not know: `data` is kept as received. */
export type UnknownEvent = EventEnvelope<UnknownEventType, Record<string, unknown>>

/** Every catalog event. */
export type KnownEvent =
  | TicketEvent
  | CustomerEvent
  | ArticleEvent
  | BossDefeatedEvent
  | BadgeEarnedEvent
  | LevelUpEvent

/**
 * A cStar event: {@link KnownEvent} (a discriminated union on `type`) or
 * {@link UnknownEvent} (a type this version does not know; receivers must accept it).
 *
 * TypeScript cannot narrow a union that also holds a plain `string` discriminant, so
 * separate the unknown events first with {@link isKnownEvent}; after it, `switch
 * (event.type)` narrows `event.data` exactly.
 *
 * @example
 * ```ts
 * const event = constructEvent(rawBody, signature, secret)
 * if (!isKnownEvent(event)) return // a newer type: acknowledge and ignore
 * switch (event.type) {
 *   case 'ticket.created': return event.data.ticket.title
 *   case 'gamification.level_up': return event.data.level.current
 * }
 * ```
 */
export type Event = KnownEvent | UnknownEvent

/**
 * Whether the event's type is one of the catalog's 14 (then `event` is a
 * {@link KnownEvent} and `switch (event.type)` narrows it). Decided by the core's catalog.
 */
export declare function isKnownEvent(event: Event): event is KnownEvent

/**
 * Whether the event has one of the given catalog types, narrowing it to them.
 *
 * @example
 * ```ts
 * if (isEventType(event, 'ticket.created', 'ticket.updated')) event.data.ticket.status
 * ```
 */
export declare function isEventType<T extends KnownEventType>(event: Event, ...types: T[]): event is EventOf<T>

/** The catalog event variant `E` restricted to type `T` (`never` when `E` has no such type). */
export type EventVariant<E, T> = E extends { type: infer U } ? (T extends U ? E & { type: T } : never) : never

/** The catalog event of type `T` (or of each type in a union `T`). */
export type EventOf<T extends KnownEventType> = T extends KnownEventType ? EventVariant<KnownEvent, T> : never

/**
 * A realistic sample event of a catalog type (what the dashboard's Test button sends, with
 * an `evt_test_…` id); `undefined` for a type outside the catalog.
 */
export declare function samplePayload<T extends KnownEventType>(type: T): EventOf<T>
/** A sample event for any type string: `undefined` outside the catalog. */
export declare function samplePayload(type: string): Event | undefined

/**
 * The flat payload (SPEC §2): the event plus root-level copies of its objects' scalar fields
 * (`ticket_id`, `customer_email`, …), for automation tools that only map top-level keys.
 * Envelope keys are never replaced.
 *
 * @param payload - the event as raw JSON (text or bytes) or as an object.
 * @throws {@link WebhookVerificationError} with code `invalid_payload` when it is not JSON.
 */
export declare function flatten(payload: Payload | object): Record<string, unknown>

// ---------------------------------------------------------------------------------------
// Retries

/**
 * The delays in seconds before attempts 1..7 (attempt 1 is the initial delivery, delay 0):
 * `[0, 30, 120, 600, 3600, 21600, 86400]`, from the core's schedule.
 */
export declare function retrySchedule(): number[]

// ---------------------------------------------------------------------------------------
// Idempotency (re-exported from `@cstar/webhooks/idempotency`)

export {
  IdempotencyStore,
  MemoryIdempotencyStore,
  MemoryIdempotencyStoreOptions,
  DEFAULT_IDEMPOTENCY_TTL,
  processOnce,
  ProcessOnceOptions,
  ProcessOnceResult,
} from './idempotency'
