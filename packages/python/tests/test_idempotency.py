"""The idempotency helper: in-memory TTL de-duplication behind a protocol."""

from __future__ import annotations

import threading
from typing import Dict, List

import pytest

import cstar_webhooks as cw


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_first_time_then_duplicate_until_ttl() -> None:
    clock = FakeClock()
    dedupe = cw.Idempotency(cw.InMemoryIdempotencyStore(clock=clock), ttl=60)
    event = cw.sample_event()
    assert dedupe.first_time(event) is True
    assert dedupe.first_time(event.id) is False
    clock.now += 59.9
    assert dedupe.first_time(event) is False
    clock.now += 0.2
    assert dedupe.first_time(event) is True


def test_once_releases_the_id_when_processing_fails() -> None:
    dedupe = cw.Idempotency()
    with pytest.raises(RuntimeError):
        with dedupe.once("evt_1") as first:
            assert first
            raise RuntimeError("handler failed")
    with dedupe.once("evt_1") as first:
        assert first  # the retry is processed
    with dedupe.once("evt_1") as first:
        assert not first
    # A duplicate that fails does not release the id held by the first delivery.
    with pytest.raises(RuntimeError):
        with dedupe.once("evt_1") as first:
            assert not first
            raise RuntimeError("boom")
    assert not dedupe.first_time("evt_1")


def test_default_ttl_outlasts_the_retry_schedule() -> None:
    assert cw.Idempotency().ttl == cw.DEFAULT_IDEMPOTENCY_TTL > sum(cw.retry_schedule())


def test_store_bounds_and_expiry() -> None:
    clock = FakeClock()
    store = cw.InMemoryIdempotencyStore(clock=clock, max_entries=3)
    for key in "abcd":
        assert store.add(key, 10)
    assert len(store) == 3 and "a" not in store and "d" in store
    clock.now += 11
    assert len(store) == 0
    with pytest.raises(cw.InvalidArgumentError):
        cw.InMemoryIdempotencyStore(max_entries=0)
    with pytest.raises(cw.InvalidArgumentError):
        cw.Idempotency().first_time("")


def test_only_one_thread_wins() -> None:
    dedupe = cw.Idempotency()
    wins: List[bool] = []
    lock = threading.Lock()

    def work() -> None:
        first = dedupe.first_time("evt_race")
        with lock:
            wins.append(first)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1 and len(wins) == 16


class DictStore:
    """Another store implementing the protocol (what a Redis store would look like)."""

    def __init__(self) -> None:
        self.keys: Dict[str, float] = {}

    def add(self, key: str, ttl: float) -> bool:
        if key in self.keys:
            return False
        self.keys[key] = ttl
        return True

    def discard(self, key: str) -> None:
        self.keys.pop(key, None)


def test_custom_store_through_the_protocol() -> None:
    store = DictStore()
    assert isinstance(store, cw.IdempotencyStore)
    dedupe = cw.Idempotency(store, ttl=5)
    assert dedupe.first_time("evt_a") and not dedupe.first_time("evt_a")
    assert store.keys == {"evt_a": 5}
    dedupe.forget("evt_a")
    assert dedupe.first_time("evt_a")
