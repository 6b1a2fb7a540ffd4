"""The exceptions of ``cstar_webhooks``.

Verification failures are :class:`WebhookVerificationError` (a :class:`ValueError`) with a
stable ``.code``, one subclass per code of the Rust core (``VerifyError::CODES``, exposed as
``cstar_webhooks._native.VERIFY_ERROR_CODES``). Arguments of the wrong type or value are
:class:`InvalidArgumentError` (both a :class:`TypeError` and a :class:`ValueError`); a body
that is not the raw bytes (a ``str``, a parsed ``dict``) is :class:`RawBodyRequiredError`.

Messages never contain a secret or the expected signature.
"""

from __future__ import annotations

from typing import ClassVar, Dict, Optional, Type

__all__ = [
    "WebhookError",
    "WebhookVerificationError",
    "MissingSignature",
    "MalformedSignature",
    "TimestampTooOld",
    "TimestampInFuture",
    "NoMatchingSignature",
    "LegacyNotAllowed",
    "InvalidPayload",
    "InvalidArgumentError",
    "RawBodyRequiredError",
    "ERRORS_BY_CODE",
    "error_class_for_code",
]


class WebhookError(Exception):
    """Base class of every exception this package raises. ``.code`` is a stable string."""

    code: str = "webhook_error"

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The human-readable message (never contains a secret)."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.code))


class WebhookVerificationError(WebhookError, ValueError):
    """A webhook request failed verification (or, for :class:`InvalidPayload`, parsing).

    Catch this class to answer ``400``; ``.code`` says why (``"timestamp_too_old"``, …) and is
    the same string in every cStar SDK.
    """

    code: str = "verification_failed"


class MissingSignature(WebhookVerificationError):
    """The ``X-Signature`` header is absent or empty: the request was not signed by cStar."""

    code: str = "missing_signature"


class MalformedSignature(WebhookVerificationError):
    """The header is neither ``t=<unix seconds>,v1=<hex>`` nor ``sha256=<hex>``."""

    code: str = "malformed_signature"


class TimestampTooOld(WebhookVerificationError):
    """The signed timestamp is older than the tolerance: a replay, or this server's clock is behind."""

    code: str = "timestamp_too_old"


class TimestampInFuture(WebhookVerificationError):
    """The signed timestamp is further ahead than the tolerance: this server's clock is behind."""

    code: str = "timestamp_in_future"


class NoMatchingSignature(WebhookVerificationError):
    """No signature matches any secret: check the secret and verify the raw body bytes."""

    code: str = "no_matching_signature"


class LegacyNotAllowed(WebhookVerificationError):
    """A legacy ``sha256=`` signature was received while legacy signatures are refused."""

    code: str = "legacy_not_allowed"


class InvalidPayload(WebhookVerificationError):
    """The signature is valid (or was not checked) but the body is not a cStar event envelope."""

    code: str = "invalid_payload"


class InvalidArgumentError(WebhookError, TypeError, ValueError):
    """An argument has the wrong type or value (a programming error, not a bad request)."""

    code: str = "invalid_argument"


class RawBodyRequiredError(InvalidArgumentError):
    """The payload is not the raw body bytes: a ``str`` (decoded text) or a parsed ``dict``.

    Signatures cover the exact bytes received; pass ``request.get_data()`` (Flask),
    ``request.body`` (Django) or ``await request.body()`` (Starlette/FastAPI).
    """

    code: str = "raw_body_required"


#: The exception class of each verification error code.
ERRORS_BY_CODE: Dict[str, Type[WebhookVerificationError]] = {
    cls.code: cls
    for cls in (
        MissingSignature,
        MalformedSignature,
        TimestampTooOld,
        TimestampInFuture,
        NoMatchingSignature,
        LegacyNotAllowed,
        InvalidPayload,
    )
}


def error_class_for_code(code: str) -> Type[WebhookVerificationError]:
    """The exception class for a verification error code (the base class for an unknown code)."""
    return ERRORS_BY_CODE.get(code, WebhookVerificationError)


def _native_error(kind: str, code: str, message: str) -> WebhookError:
    """Called by the native module to build the exception it raises."""
    if kind == "verify":
        cls = error_class_for_code(code)
        return cls(message, None if cls.code == code else code)
    if kind == "raw_body":
        return RawBodyRequiredError(message)
    return InvalidArgumentError(message, code)
