"""De-duplication of deliveries by event id (delivery is at-least-once, SPEC §9)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, Optional, Protocol, Union, runtime_checkable

from . import _native as _nat
from ._events import Event

__all__ = ["IdempotencyStore", "InMemoryIdempotencyStore", "Idempotency", "DEFAULT_IDEMPOTENCY_TTL"]

#: The retry schedule's worst-case span (31 h 12 min 30 s, from the core) plus a day for
#: slow attempts and manual replays: 55 h 12 min 30 s.
DEFAULT_IDEMPOTENCY_TTL: float = float(_nat.retry_total_span() + 86_400)


@runtime_checkable
class IdempotencyStore(Protocol):
    """Where seen event ids are kept. Implement it over Redis, a database table, … .

    ``add`` must be atomic: of two concurrent calls with the same key, exactly one returns
    ``True`` (e.g. Redis ``SET key 1 NX EX ttl``, SQL ``INSERT … ON CONFLICT DO NOTHING``).
    """

    def add(self, key: str, ttl: float) -> bool:
        """Records ``key`` for ``ttl`` seconds; ``True`` when it was not already recorded."""
        ...

    def discard(self, key: str) -> None:
        """Forgets ``key`` (processing failed: let the redelivery through)."""
        ...


class InMemoryIdempotencyStore:
    """A thread-safe in-process store with a TTL per key (one process only).

    ``clock`` returns seconds (monotonic by default; inject one in tests). When more than
    ``max_entries`` keys are live, the oldest are forgotten first.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            from ._errors import InvalidArgumentError

            raise InvalidArgumentError("max_entries must be at least 1")
        self._clock = clock
        self._max = max_entries
        self._expiry: Dict[str, float] = {}
        self._lock = threading.Lock()

    def _purge(self, now: float) -> None:
        # dicts keep insertion order: expire from the front while the front is expired.
        expired = [k for k, exp in self._expiry.items() if exp <= now]
        for k in expired:
            del self._expiry[k]
        while len(self._expiry) > self._max:
            del self._expiry[next(iter(self._expiry))]

    def add(self, key: str, ttl: float) -> bool:
        with self._lock:
            now = self._clock()
            expiry = self._expiry.get(key)
            if expiry is not None and expiry > now:
                return False
            self._expiry.pop(key, None)
            self._expiry[key] = now + ttl
            if len(self._expiry) > self._max or len(self._expiry) % 1024 == 0:
                self._purge(now)
            return True

    def discard(self, key: str) -> None:
        with self._lock:
            self._expiry.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            expiry = self._expiry.get(key) if isinstance(key, str) else None
            return expiry is not None and expiry > self._clock()

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._expiry)


class Idempotency:
    """Processes each event once (per TTL), whatever the number of deliveries.

    >>> dedupe = Idempotency()
    >>> with dedupe.once(event) as first:       # doctest: +SKIP
    ...     if first:
    ...         handle(event)                     # an exception here releases the id

    Answer ``2xx`` for duplicates too: the sender only stops retrying on ``2xx``.
    """

    def __init__(self, store: Optional[IdempotencyStore] = None, *, ttl: float = DEFAULT_IDEMPOTENCY_TTL) -> None:
        self.store: IdempotencyStore = store if store is not None else InMemoryIdempotencyStore()
        self.ttl = ttl

    @staticmethod
    def _key(event: Union[Event, str]) -> str:
        key = event.id if isinstance(event, Event) else event
        if not isinstance(key, str) or not key:
            from ._errors import InvalidArgumentError

            raise InvalidArgumentError(f"expected an Event or a non-empty event id, got {type(event).__name__}")
        return key

    def first_time(self, event: Union[Event, str]) -> bool:
        """Records the event id; ``True`` the first time it is seen within the TTL."""
        return self.store.add(self._key(event), self.ttl)

    def forget(self, event: Union[Event, str]) -> None:
        """Forgets the event id, so that its next delivery is processed."""
        self.store.discard(self._key(event))

    @contextmanager
    def once(self, event: Union[Event, str]) -> Iterator[bool]:
        """Yields ``True`` the first time; if the block raises, the id is forgotten (so the
        sender's retry is processed) and the exception propagates."""
        key = self._key(event)
        first = self.store.add(key, self.ttl)
        try:
            yield first
        except BaseException:
            if first:
                self.store.discard(key)
            raise
