// Hand-written Kotlin conveniences over the generated bindings (generated/…/cstar_webhooks.kt).
// They convert only: every rule lives in the Rust core.
package com.cstar.webhooks

/**
 * The core's stable error code (`"timestamp_too_old"`, …) of any [WebhookException]: what a
 * receiver logs and answers with (HTTP 400). The `when` is exhaustive: a new variant in the
 * bindings fails compilation here.
 */
val WebhookException.code: String
    get() = when (this) {
        is WebhookException.MissingSignature -> code
        is WebhookException.MalformedSignature -> code
        is WebhookException.TimestampTooOld -> code
        is WebhookException.TimestampInFuture -> code
        is WebhookException.NoMatchingSignature -> code
        is WebhookException.LegacyNotAllowed -> code
        is WebhookException.InvalidPayload -> code
        is WebhookException.InvalidArgument -> code
        is WebhookException.Other -> code
    }

/** A plain-language reason with the usual fix; never contains a secret or a signature. */
val WebhookException.reason: String
    get() = when (this) {
        is WebhookException.MissingSignature -> reason
        is WebhookException.MalformedSignature -> reason
        is WebhookException.TimestampTooOld -> reason
        is WebhookException.TimestampInFuture -> reason
        is WebhookException.NoMatchingSignature -> reason
        is WebhookException.LegacyNotAllowed -> reason
        is WebhookException.InvalidPayload -> reason
        is WebhookException.InvalidArgument -> reason
        is WebhookException.Other -> reason
    }

/** The `X-Signature` header name cStar sends. */
const val SIGNATURE_HEADER: String = "X-Signature"

/**
 * Verifies a request given its headers as any (name → value) map, matching `X-Signature`
 * case-insensitively, then parses the event. `now` is unix seconds (the system clock when null).
 *
 * @throws WebhookException with the core's [code] on any failure.
 */
@Throws(WebhookException::class)
fun Verifier.constructEvent(body: ByteArray, headers: Map<String, String>, now: Long? = null): Event {
    val parsed = parseHeaders(headers.map { (name, value) -> Header(name, value) })
    return constructEvent(body, parsed.signature, now)
}
