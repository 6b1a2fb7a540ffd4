"""Event envelopes and typed views of ``data`` (SPEC §2).

The envelope is parsed and validated by the Rust core; this module only wraps the result
in frozen dataclasses. Unknown event types and unknown fields are kept: ``Event.raw`` is the
whole JSON object, ``Event.data`` its ``data`` object.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar, Union

from . import _native as _nat

__all__ = [
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
]


@dataclass(frozen=True)
class Ticket:
    """A support ticket (``data.ticket``). Enum-like fields are plain strings: values this
    version does not know (``status="escalated"``) are kept as sent."""

    id: str
    prefixed_id: str
    title: str
    status: str
    priority: str
    channel: str
    customer_id: str
    created_at: str
    assignee_id: Optional[str] = None
    updated_at: Optional[str] = None


@dataclass(frozen=True)
class Customer:
    """A customer (``data.customer``)."""

    id: str
    name: str
    email: str
    created_at: Optional[str] = None


@dataclass(frozen=True)
class Article:
    """A knowledge-base article (``data.article``)."""

    id: str
    title: str
    slug: str
    status: str
    author_id: str
    url: Optional[str] = None
    published_at: Optional[str] = None


@dataclass(frozen=True)
class Agent:
    """An agent (``data.agent``, gamification events)."""

    id: str
    name: str


@dataclass(frozen=True)
class Boss:
    """A defeated boss (``data.boss``)."""

    id: str
    name: str
    level: int
    hp: int
    defeated_at: str


@dataclass(frozen=True)
class Badge:
    """An earned badge (``data.badge``)."""

    id: str
    name: str
    earned_at: str


@dataclass(frozen=True)
class Level:
    """A level change (``data.level``)."""

    previous: int
    current: int
    xp: int


@dataclass(frozen=True)
class TicketData:
    """``ticket.*``: the ticket, and the customer when included."""

    ticket: Ticket
    customer: Optional[Customer] = None


@dataclass(frozen=True)
class CustomerData:
    """``customer.*``"""

    customer: Customer


@dataclass(frozen=True)
class ArticleData:
    """``article.*``"""

    article: Article


@dataclass(frozen=True)
class BossDefeatedData:
    """``gamification.boss_defeated``"""

    boss: Boss
    agent: Agent


@dataclass(frozen=True)
class BadgeEarnedData:
    """``gamification.badge_earned``"""

    badge: Badge
    agent: Agent


@dataclass(frozen=True)
class LevelUpData:
    """``gamification.level_up``"""

    level: Level
    agent: Agent


@dataclass(frozen=True)
class UnknownData:
    """A type outside the catalog: use :attr:`Event.data` (the raw JSON)."""

    event_type: str


#: The typed view of an event's ``data``, per family.
EventData = Union[
    TicketData, CustomerData, ArticleData, BossDefeatedData, BadgeEarnedData, LevelUpData, UnknownData
]

_T = TypeVar("_T")


def _build(cls: Type[_T], values: Optional[Mapping[str, Any]]) -> _T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in (values or {}).items() if k in names})


def _opt(cls: Type[_T], values: Optional[Mapping[str, Any]]) -> Optional[_T]:
    return None if values is None else _build(cls, values)


@dataclass(frozen=True, eq=True)
class Event:
    """A cStar event (the body of every delivery).

    ``id`` is the idempotency key (a redelivery repeats it). ``type`` is the type string as
    sent, ``known_type`` whether it is in the catalog, ``family`` its family
    (``tickets``, ``customers``, ``articles``, ``gamification`` or ``unknown``).
    ``raw`` is the whole JSON object (unknown keys kept), ``data`` its ``data`` object.
    Use :meth:`typed_data` for typed objects.
    """

    id: str
    type: str
    created_at: str
    team_id: str
    family: str
    known_type: bool
    data: Dict[str, Any] = field(hash=False)
    raw: Dict[str, Any] = field(hash=False, repr=False)
    _native: _nat.NativeEvent = field(repr=False, compare=False, hash=False)

    @classmethod
    def _from_native(cls, native: _nat.NativeEvent) -> Event:
        id_, type_, created_at, team_id, family, known_type, raw = native.fields()
        return cls(id_, type_, created_at, team_id, family, known_type, raw["data"], raw, native)  # type: ignore[arg-type]

    @classmethod
    def from_bytes(cls, payload: Union[bytes, bytearray, memoryview]) -> Event:
        """Parses a JSON body **without verifying it** (use :func:`construct_event` for requests).

        Raises :class:`InvalidPayload` when the body is not an event envelope.
        """
        return cls._from_native(_nat.parse_event(payload))

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Event:
        """Builds an event from an already-decoded JSON object (e.g. from a queue).

        Raises :class:`InvalidPayload` when it is not an event envelope.
        """
        return cls._from_native(_nat.event_from_value(value))

    def __hash__(self) -> int:
        return hash((self.id, self.type))

    def __reduce__(self) -> Tuple[Callable[[Mapping[str, Any]], Event], Tuple[Dict[str, Any]]]:
        # Pickle (task queues) and deepcopy through the raw JSON object.
        return (Event.from_dict, (self.raw,))

    def typed_data(self) -> EventData:
        """The typed objects of ``data`` for this event's family.

        Raises :class:`InvalidPayload` when a required object or field is missing or has the
        wrong type (the envelope itself was valid).
        """
        kind, parts = self._native.typed_parts()
        if kind == "ticket":
            return TicketData(_build(Ticket, parts["ticket"]), _opt(Customer, parts.get("customer")))
        if kind == "customer":
            return CustomerData(_build(Customer, parts["customer"]))
        if kind == "article":
            return ArticleData(_build(Article, parts["article"]))
        if kind == "boss_defeated":
            return BossDefeatedData(_build(Boss, parts["boss"]), _build(Agent, parts["agent"]))
        if kind == "badge_earned":
            return BadgeEarnedData(_build(Badge, parts["badge"]), _build(Agent, parts["agent"]))
        if kind == "level_up":
            return LevelUpData(_build(Level, parts["level"]), _build(Agent, parts["agent"]))
        return UnknownData(self.type)

    def to_json(self) -> str:
        """The compact JSON of the event (envelope keys first, unknown keys kept)."""
        return self._native.to_json()

    def flat(self) -> Dict[str, Any]:
        """The flat payload of this event (SPEC §2)."""
        return _nat.flatten(self.raw)
