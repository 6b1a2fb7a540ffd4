"""cStar webhooks for Python: verify, parse and test the webhooks cStar sends.

>>> import cstar_webhooks
>>> event = cstar_webhooks.construct_event(body, request.headers.get("X-Signature"), secret)  # doctest: +SKIP

Every decision (signature grammar, HMAC, tolerance, envelope, flat payload, diagnosis,
samples, catalog, retry schedule) is made by the Rust core of the cStar SDK, the same code in
every language; this package converts Python values to it and back. Framework helpers live in
``cstar_webhooks.flask``, ``cstar_webhooks.starlette``/``cstar_webhooks.fastapi`` and
``cstar_webhooks.django``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import (
    ERRORS_BY_CODE,
    InvalidArgumentError,
    InvalidPayload,
    LegacyNotAllowed,
    MalformedSignature,
    MissingSignature,
    NoMatchingSignature,
    RawBodyRequiredError,
    TimestampInFuture,
    TimestampTooOld,
    WebhookError,
    WebhookVerificationError,
    error_class_for_code,
)
from ._events import (
    Agent,
    Article,
    ArticleData,
    Badge,
    BadgeEarnedData,
    Boss,
    BossDefeatedData,
    Customer,
    CustomerData,
    Event,
    EventData,
    Level,
    LevelUpData,
    Ticket,
    TicketData,
    UnknownData,
)
from ._headers import HEADER_NAMES, SIGNATURE_HEADER, WebhookHeaders, parse_headers
from ._idempotency import DEFAULT_IDEMPOTENCY_TTL, Idempotency, IdempotencyStore, InMemoryIdempotencyStore
from ._native import (
    CAUSE_CODES,
    DEFAULT_TOLERANCE,
    VERIFY_ERROR_CODES,
    Verified,
    flatten,
    retry_schedule,
    sign,
    sign_legacy,
    verify,
)

__version__ = "0.1.0"

__all__ = [
    # verification
    "verify",
    "construct_event",
    "Verifier",
    "Verified",
    "DEFAULT_TOLERANCE",
    # signing and testing
    "sign",
    "sign_legacy",
    "generate_test_headers",
    "sample_payload",
    "sample_event",
    # headers
    "parse_headers",
    "WebhookHeaders",
    "HEADER_NAMES",
    "SIGNATURE_HEADER",
    # events
    "Event",
    "EventData",
    "Ticket",
    "Customer",
    "Article",
    "Agent",
    "Boss",
    "Badge",
    "Level",
    "TicketData",
    "CustomerData",
    "ArticleData",
    "BossDefeatedData",
    "BadgeEarnedData",
    "LevelUpData",
    "UnknownData",
    "parse_event",
    "flatten",
    # catalog and schedule
    "EVENT_TYPES",
    "FAMILIES",
    "EventTypeInfo",
    "event_types",
    "event_type_info",
    "retry_schedule",
    # diagnosis
    "diagnose",
    "Diagnosis",
    "Cause",
    "CAUSE_CODES",
    # idempotency
    "Idempotency",
    "IdempotencyStore",
    "InMemoryIdempotencyStore",
    "DEFAULT_IDEMPOTENCY_TTL",
    # errors
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
    "VERIFY_ERROR_CODES",
    "error_class_for_code",
]

#: A signing secret (``whsec_…``) or several (rotation: newest first is the usual order).
Secrets = Union[str, Sequence[str]]
#: The raw request body.
Body = Union[bytes, bytearray, memoryview]


class Verifier(_native.Verifier):
    """A reusable verifier: secrets and options set once, then :meth:`verify` many requests.

    ``Verifier(secrets, *, tolerance=None, max_age=None, max_future=None, allow_legacy=None)``:
    ``tolerance`` (default 300 s) bounds both directions; ``max_age``/``max_future`` set them
    apart; ``allow_legacy`` (default ``True``) accepts ``sha256=`` signatures. Its ``repr``
    never shows the secrets.
    """

    __slots__ = ()

    def construct_event(self, payload: Body, header: Optional[str], *, now: Optional[int] = None) -> Event:
        """Verifies, then parses the body as an :class:`Event`.

        Raises a :class:`WebhookVerificationError` subclass; :class:`InvalidPayload` when the
        signature is valid but the body is not an event envelope.
        """
        return Event._from_native(self.construct_native_event(payload, header, now=now))


def construct_event(
    payload: Body,
    header: Optional[str],
    secrets: Secrets,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
    now: Optional[int] = None,
) -> Event:
    """Verifies a request like :func:`verify`, then parses the body as an :class:`Event`.

    Raises a :class:`WebhookVerificationError` subclass (``.code``); :class:`InvalidPayload`
    when the signature is valid but the body is not an event envelope. Unknown event types
    are accepted (``event.known_type`` is ``False``).
    """
    native = _native.construct_native_event(
        payload,
        header,
        secrets,
        tolerance=tolerance,
        max_age=max_age,
        max_future=max_future,
        allow_legacy=allow_legacy,
        now=now,
    )
    return Event._from_native(native)


def parse_event(payload: Body) -> Event:
    """Parses a JSON body as an :class:`Event` **without verifying it** (tests, queues)."""
    return Event.from_bytes(payload)


def generate_test_headers(
    payload: Body,
    secrets: Secrets,
    *,
    event_type: Optional[str] = None,
    event_id: Optional[str] = None,
    webhook_id: Optional[str] = None,
    attempt: Optional[int] = None,
    timestamp: Optional[int] = None,
) -> Dict[str, str]:
    """The exact headers cStar sends with ``payload`` (signed with every secret), for tests.

    The event id and type default to the body's own, the webhook id to ``whk_test``, the
    attempt to 1 and the timestamp to now.
    """
    return dict(
        _native.delivery_header_pairs(
            payload,
            secrets,
            event_type=event_type,
            event_id=event_id,
            webhook_id=webhook_id,
            attempt=attempt,
            timestamp=timestamp,
        )
    )


def sample_payload(event_type: str = "ticket.created", *, flat: bool = False) -> bytes:
    """The sample body of a catalog type (what the "Test" button sends), as JSON bytes.

    Raises :class:`InvalidArgumentError` for a type outside the catalog.
    """
    return _native.sample_payload(event_type, flat=flat)


def sample_event(event_type: str = "ticket.created") -> Event:
    """The sample event of a catalog type, parsed."""
    return Event._from_native(_native.sample_event(event_type))


class EventTypeInfo(NamedTuple):
    """What the catalog says about an event type."""

    type: str
    family: str
    family_label: str
    known: bool


#: The 14 catalog event types, in catalog order.
EVENT_TYPES: Tuple[str, ...] = tuple(t for t, _, _ in _native.catalog())
#: The families: ``tickets``, ``customers``, ``articles``, ``gamification``.
FAMILIES: Tuple[str, ...] = tuple(name for name, _, _ in _native.families())


def event_types() -> List[EventTypeInfo]:
    """The catalog: every known type with its family, in catalog order."""
    return [EventTypeInfo(t, f, label, True) for t, f, label in _native.catalog()]


def event_type_info(event_type: str) -> EventTypeInfo:
    """The family of a type string (``unknown`` for types outside the catalog)."""
    return EventTypeInfo(*_native.event_type_info(event_type))


@dataclass(frozen=True)
class Cause:
    """A likely cause of a failing signature: a stable ``code`` and a human ``explanation``;
    ``seconds`` is the clock skew (signed ``t`` minus now) for ``clock_skew``."""

    code: str
    explanation: str
    seconds: Optional[int] = None


@dataclass(frozen=True)
class Diagnosis:
    """The result of :func:`diagnose`: what a default verifier says, and the likely causes."""

    ok: bool
    verified: Optional[Verified]
    error_code: Optional[str]
    error_message: Optional[str]
    causes: Tuple[Cause, ...]


def diagnose(payload: Body, header: Optional[str], secrets: Secrets, *, now: Optional[int] = None) -> Diagnosis:
    """Names the likely cause of a failing signature (debugging only: it is slow).

    Causes: ``body_reserialized``, ``trailing_newline``, ``crlf``, ``secret_whitespace``,
    ``timestamp_milliseconds``, ``clock_skew``, ``scheme_mismatch``, ``wrong_secret``.
    """
    verified, code, message, causes = _native.diagnose(payload, header, secrets, now=now)
    return Diagnosis(
        ok=verified is not None,
        verified=verified,
        error_code=code,
        error_message=message,
        causes=tuple(Cause(c, text, seconds) for c, text, seconds in causes),
    )

