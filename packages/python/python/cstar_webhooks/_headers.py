"""Finding the cStar headers in any framework's header object (case-insensitive)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

from . import _native as _nat

__all__ = ["WebhookHeaders", "parse_headers", "HEADER_NAMES", "SIGNATURE_HEADER"]

#: The delivery header names, in SPEC order (from the core).
HEADER_NAMES: Tuple[str, ...] = tuple(_nat.header_names())
#: ``X-Signature``.
SIGNATURE_HEADER = "X-Signature"

HeaderSource = Union[Mapping[str, Any], Mapping[bytes, Any], Iterable[Tuple[Any, Any]], Any]


@dataclass(frozen=True)
class WebhookHeaders:
    """The cStar headers of a received request (``None`` when absent; the first value wins
    when a header repeats). ``attempt`` and ``timestamp_unix`` are the parsed forms of
    ``X-Delivery-Attempt`` and ``X-Timestamp`` (``None`` when absent or not parseable)."""

    signature: Optional[str]
    webhook_id: Optional[str]
    event_type: Optional[str]
    event_id: Optional[str]
    timestamp: Optional[str]
    delivery_attempt: Optional[str]
    user_agent: Optional[str]
    content_type: Optional[str]
    attempt: Optional[int]
    timestamp_unix: Optional[int]


def _text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (list, tuple)):
        return _text(value[0]) if value else ""
    return str(value)


def _name(name: Any) -> str:
    text = _text(name)
    # WSGI environ / Django request.META spell headers HTTP_X_SIGNATURE, CONTENT_TYPE.
    if "_" in text and "-" not in text and text.isupper():
        if text.startswith("HTTP_"):
            return text[5:].replace("_", "-")
        if text == "CONTENT_TYPE":
            return "Content-Type"
    return text


def _pairs(headers: HeaderSource) -> List[Tuple[str, str]]:
    items: Iterable[Any]
    # Werkzeug's EnvironHeaders/Headers, Starlette's Headers, Django's HttpHeaders and plain
    # dicts all have items(); Starlette's and Werkzeug's repeat multi-valued headers there.
    if hasattr(headers, "items"):
        items = headers.items()
    elif hasattr(headers, "raw"):
        items = headers.raw
    else:
        items = headers
    out: List[Tuple[str, str]] = []
    for item in items:
        name, value = item
        out.append((_name(name), _text(value)))
    return out


def parse_headers(headers: HeaderSource) -> WebhookHeaders:
    """Collects the cStar headers from a header mapping, matching names in any case.

    Accepts Flask/Werkzeug ``request.headers``, Django ``request.headers`` or ``request.META``,
    Starlette/FastAPI ``request.headers``, an ASGI ``scope["headers"]`` list of byte pairs,
    a plain ``dict`` or any iterable of ``(name, value)`` pairs.
    """
    try:
        pairs = _pairs(headers)
    except (TypeError, ValueError) as exc:
        from ._errors import InvalidArgumentError

        raise InvalidArgumentError(
            f"headers must be a mapping or an iterable of (name, value) pairs, got {type(headers).__name__}"
        ) from exc
    return WebhookHeaders(*_nat.webhook_headers(pairs))
