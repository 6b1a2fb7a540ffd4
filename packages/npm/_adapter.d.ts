// Types shared by the adapters' declarations (not a public entry point).
import type { Event, Verified, WebhookHeaders, Secrets } from './index'

/** Options every adapter takes. */
export interface AdapterOptions {
  /**
   * The webhook's signing secret (`whsec_…`), or several during a rotation (newest first).
   * Checked at set-up: an empty or missing secret throws at once.
   */
  secret: Secrets
  /** Tolerance in seconds, in both directions. Default 300. */
  tolerance?: number
  /** How old the signed timestamp may be, in seconds (overrides `tolerance`). */
  maxAge?: number
  /** How far in the future the signed timestamp may be, in seconds (overrides `tolerance`). */
  maxFuture?: number
  /** Whether legacy `sha256=` signatures are accepted. Default `true`. */
  allowLegacy?: boolean
  /** The largest body accepted, in bytes; larger requests get `413`. Default 1 MiB. */
  limit?: number
  /** The current time in unix seconds, or a function returning it (for tests). Default: the system clock. */
  now?: number | (() => number)
}

/** What an adapter attaches to a verified request. */
export interface WebhookContext {
  /** The verified, parsed event. */
  event: Event
  /** Which scheme, timestamp and secret matched. */
  verified: Verified
  /** The request's cStar headers (`X-Event-ID`, `X-Delivery-Attempt`, …). */
  headers: WebhookHeaders
  /** The raw body exactly as received. */
  rawBody: Uint8Array | string
}

/**
 * The JSON body of a `400` answer: `{ "code": "timestamp_too_old", "message": "…" }`.
 * `413` answers carry `code: 'payload_too_large'`.
 */
export interface WebhookFailureBody {
  /** The error code. */
  code: string
  /** A human-readable message (never a secret or the expected signature). */
  message: string
}
