// Hand-written Swift conveniences over the generated bindings (cstar_webhooks.swift).
// They convert only: every rule lives in the Rust core.
import Foundation

extension WebhookError {
    /// The core's stable code (`"timestamp_too_old"`, …): what a receiver logs and answers with.
    public var code: String {
        switch self {
        case let .MissingSignature(code, _), let .MalformedSignature(code, _), let .TimestampTooOld(code, _),
             let .TimestampInFuture(code, _), let .NoMatchingSignature(code, _), let .LegacyNotAllowed(code, _),
             let .InvalidPayload(code, _), let .InvalidArgument(code, _), let .Other(code, _):
            return code
        }
    }

    /// A plain-language reason with the usual fix; never contains a secret or a signature.
    public var reason: String {
        switch self {
        case let .MissingSignature(_, reason), let .MalformedSignature(_, reason), let .TimestampTooOld(_, reason),
             let .TimestampInFuture(_, reason), let .NoMatchingSignature(_, reason), let .LegacyNotAllowed(_, reason),
             let .InvalidPayload(_, reason), let .InvalidArgument(_, reason), let .Other(_, reason):
            return reason
        }
    }
}

extension Verifier {
    /// Verifies a request given its headers (any case for `X-Signature`), then parses the event.
    /// `now` is unix seconds (the system clock when nil).
    public func constructEvent(body: Data, headers: [String: String], now: Int64? = nil) throws -> Event {
        let parsed = parseHeaders(headers: headers.map { Header(name: $0.key, value: $0.value) })
        return try constructEvent(body: body, signature: parsed.signature, now: now)
    }
}
