"""The public API beyond the vectors: events, catalog, samples, headers, diagnosis, retries."""

from __future__ import annotations

import json
import threading
from typing import Any, Dict, List, Tuple

import pytest

import cstar_webhooks as cw
from cstar_webhooks import _native

SECRET = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8"
NOW = 1_711_800_000


def test_verified_result() -> None:
    body = b'{"hello": "world"}'
    v = cw.verify(body, cw.sign(body, ["whsec_new", SECRET], timestamp=NOW), [SECRET], now=NOW)
    assert (v.scheme, v.timestamp, v.secret_index) == ("v1", NOW, 0)
    assert repr(v) == f"Verified(scheme='v1', timestamp={NOW}, secret_index=0)"
    legacy = cw.verify(body, cw.sign_legacy(body, SECRET), ["whsec_old", SECRET], now=NOW)
    assert (legacy.scheme, legacy.timestamp, legacy.secret_index) == ("legacy", None, 1)
    assert v == cw.verify(body, cw.sign(body, SECRET, timestamp=NOW), SECRET, now=NOW)
    assert len({v, legacy, v}) == 2


def test_default_time_is_the_clock() -> None:
    body = b"{}"
    assert cw.verify(body, cw.sign(body, SECRET), SECRET).scheme == "v1"
    with pytest.raises(cw.TimestampTooOld):
        cw.verify(body, cw.sign(body, SECRET, timestamp=NOW), SECRET)


def test_tolerance_options() -> None:
    body = b"{}"
    header = cw.sign(body, SECRET, timestamp=NOW)
    assert cw.verify(body, header, SECRET, now=NOW + 300).scheme == "v1"
    assert cw.verify(body, header, SECRET, now=NOW + 1000, tolerance=1000).scheme == "v1"
    with pytest.raises(cw.TimestampTooOld):
        cw.verify(body, header, SECRET, now=NOW + 1000, tolerance=2000, max_age=999)
    with pytest.raises(cw.TimestampInFuture):
        cw.verify(body, header, SECRET, now=NOW - 1, max_future=0)
    verifier = cw.Verifier(SECRET, tolerance=60, max_future=5, allow_legacy=False)
    assert (verifier.max_age, verifier.max_future, verifier.allow_legacy, verifier.secret_count) == (60, 5, False, 1)
    assert cw.DEFAULT_TOLERANCE == cw.Verifier(SECRET).max_age == 300


def test_construct_event_and_typed_data_for_every_sample() -> None:
    seen_kinds = set()
    for event_type in cw.EVENT_TYPES:
        body = cw.sample_payload(event_type)
        header = cw.sign(body, SECRET, timestamp=NOW)
        event = cw.Verifier(SECRET).construct_event(body, header, now=NOW)
        assert event.type == event_type and event.known_type
        assert event.id.startswith("evt_test_")
        assert event.raw == json.loads(body)
        assert event == cw.sample_event(event_type)
        assert hash(event) == hash(cw.sample_event(event_type))
        typed = event.typed_data()
        seen_kinds.add(type(typed).__name__)
        family = cw.event_type_info(event_type).family
        assert family == event.family
        if family == "tickets":
            assert isinstance(typed, cw.TicketData) and typed.ticket.id.startswith("tkt_")
        elif family == "customers":
            assert isinstance(typed, cw.CustomerData) and "@" in typed.customer.email
        elif family == "articles":
            assert isinstance(typed, cw.ArticleData) and typed.article.slug
        else:
            assert family == "gamification"
            assert isinstance(typed, (cw.BossDefeatedData, cw.BadgeEarnedData, cw.LevelUpData))
            assert typed.agent.id.startswith("agt_")
        assert json.loads(event.to_json()) == event.raw
    assert len(seen_kinds) == 6


def test_events_pickle_and_copy() -> None:
    import copy
    import pickle

    event = cw.sample_event("gamification.boss_defeated")
    for clone in (pickle.loads(pickle.dumps(event)), copy.deepcopy(event), copy.copy(event)):
        assert clone == event and clone.typed_data() == event.typed_data()


def test_unknown_type_and_forward_compatible_fields() -> None:
    raw = {
        "id": "evt_ticket_merged_1",
        "type": "ticket.merged",
        "created_at": "2026-03-30T10:30:00Z",
        "team_id": "t",
        "data": {"ticket": {"id": "tkt_1"}},
        "extra_top": [1, 2],
    }
    event = cw.Event.from_dict(raw)
    assert (event.known_type, event.family) == (False, "unknown")
    assert event.typed_data() == cw.UnknownData("ticket.merged")
    assert event.raw == raw and event.raw["extra_top"] == [1, 2]
    # Unknown enum values and extra fields in a known type.
    sample = json.loads(cw.sample_payload("ticket.created"))
    sample["data"]["ticket"]["status"] = "escalated"
    sample["data"]["ticket"]["sla"] = {"hours": 4}
    typed = cw.Event.from_dict(sample).typed_data()
    assert isinstance(typed, cw.TicketData) and typed.ticket.status == "escalated"
    # A valid envelope whose typed view does not fit: the error comes from typed_data().
    broken = json.loads(cw.sample_payload("gamification.level_up"))
    del broken["data"]["agent"]
    event = cw.Event.from_dict(broken)
    with pytest.raises(cw.InvalidPayload):
        event.typed_data()


def test_catalog_from_the_core() -> None:
    assert len(cw.EVENT_TYPES) == 14 and len(set(cw.EVENT_TYPES)) == 14
    assert cw.FAMILIES == ("tickets", "customers", "articles", "gamification")
    infos = cw.event_types()
    assert [i.type for i in infos] == list(cw.EVENT_TYPES)
    assert all(i.known and i.family in cw.FAMILIES for i in infos)
    assert cw.event_type_info("ticket.merged") == cw.EventTypeInfo("ticket.merged", "unknown", "Unknown", False)
    assert cw.event_type_info("gamification.level_up").family_label == "Gamification"


def test_retry_schedule_is_the_guides_table() -> None:
    # SPEC §6: 7 attempts, delays before attempts 1..7.
    assert cw.retry_schedule() == [0, 30, 120, 600, 3600, 21600, 86400]
    assert _native.retry_total_span() == sum(cw.retry_schedule()) == 31 * 3600 + 12 * 60 + 30


def test_flat_sample_payload() -> None:
    flat = json.loads(cw.sample_payload("ticket.created", flat=True))
    assert flat["ticket_prefixed_id"] == "CST-1024" and flat["customer_email"] == "casey@example.com"
    assert flat == cw.flatten(cw.sample_payload("ticket.created")) == cw.sample_event().flat()


def test_generate_test_headers_round_trip() -> None:
    body = cw.sample_payload("customer.created")
    headers = cw.generate_test_headers(body, [SECRET, "whsec_old"], timestamp=NOW, attempt=3, webhook_id="whk_1")
    assert list(headers) == list(cw.HEADER_NAMES)
    assert headers["X-Event-Type"] == "customer.created"
    assert headers["X-Event-ID"] == json.loads(body)["id"]
    assert headers["X-Delivery-Attempt"] == "3" and headers["X-Webhook-ID"] == "whk_1"
    assert headers["X-Signature"].count("v1=") == 2
    parsed = cw.parse_headers(headers)
    assert parsed.attempt == 3 and parsed.timestamp_unix == NOW
    assert cw.verify(body, parsed.signature, "whsec_old", now=NOW).secret_index == 0
    custom = cw.generate_test_headers(b"raw", SECRET, event_type="x.y", event_id="evt_1", timestamp=NOW)
    assert custom["X-Event-Type"] == "x.y" and custom["X-Event-ID"] == "evt_1"


SOURCES: List[Tuple[str, Any]] = [
    ("dict", {"x-signature": "S", "X-DELIVERY-ATTEMPT": "2", "Content-Type": "application/json"}),
    ("pairs", [("X-Signature", "S"), ("x-signature", "second"), ("X-Delivery-Attempt", "2")]),
    ("asgi bytes", [(b"x-signature", b"S"), (b"x-delivery-attempt", b"2")]),
    ("wsgi environ", {"HTTP_X_SIGNATURE": "S", "HTTP_X_DELIVERY_ATTEMPT": "2", "CONTENT_TYPE": "application/json"}),
    ("list values", {"X-Signature": ["S", "other"], "X-Delivery-Attempt": ("2",)}),
]


@pytest.mark.parametrize(("name", "source"), SOURCES, ids=[n for n, _ in SOURCES])
def test_parse_headers_sources(name: str, source: Any) -> None:
    h = cw.parse_headers(source)
    assert h.signature == "S" and h.delivery_attempt == "2" and h.attempt == 2
    assert h.webhook_id is None and h.timestamp_unix is None


def test_parse_headers_framework_objects() -> None:
    from django.http import HttpHeaders
    from starlette.datastructures import Headers as StarletteHeaders
    from werkzeug.datastructures import EnvironHeaders, Headers

    env = {"HTTP_X_SIGNATURE": "S", "HTTP_X_TIMESTAMP": "2024-03-30T12:00:00Z"}
    for source in (
        Headers([("X-Signature", "S"), ("X-Timestamp", "2024-03-30T12:00:00Z")]),
        EnvironHeaders(env),
        HttpHeaders(env),
        StarletteHeaders(raw=[(b"x-signature", b"S"), (b"x-timestamp", b"2024-03-30T12:00:00Z")]),
    ):
        h = cw.parse_headers(source)
        assert (h.signature, h.timestamp_unix) == ("S", NOW), type(source)


def test_diagnose_names_causes() -> None:
    body = cw.sample_payload("ticket.created")
    header = cw.sign(body, SECRET, timestamp=NOW)
    ok = cw.diagnose(body, header, SECRET, now=NOW)
    assert ok.ok and ok.verified is not None and ok.causes == () and ok.error_code is None
    reserialized = json.dumps(json.loads(body), indent=2).encode()
    d = cw.diagnose(reserialized, header, SECRET, now=NOW)
    assert not d.ok and d.error_code == "no_matching_signature"
    assert [c.code for c in d.causes] == ["body_reserialized"]
    skew = cw.diagnose(body, header, SECRET, now=NOW + 3600)
    assert skew.error_code == "timestamp_too_old"
    assert [(c.code, c.seconds) for c in skew.causes] == [("clock_skew", -3600)]
    wrong = cw.diagnose(body, header, "whsec_wrong", now=NOW)
    assert [c.code for c in wrong.causes] == ["wrong_secret"]
    assert set(_native.CAUSE_CODES) >= {c.code for c in d.causes + skew.causes + wrong.causes}
    assert all(c.explanation for c in d.causes)


def test_large_bodies_verify_from_many_threads() -> None:
    # Large bodies are verified with the GIL released: results stay right under threads.
    bodies = [bytes([i]) * (64 * 1024 + i) for i in range(8)]
    headers = [cw.sign(b, SECRET, timestamp=NOW) for b in bodies]
    results: Dict[int, str] = {}

    def work(i: int) -> None:
        for _ in range(20):
            cw.verify(bodies[i], headers[i], SECRET, now=NOW)
        try:
            cw.verify(bodies[i], headers[(i + 1) % 8], SECRET, now=NOW)
        except cw.NoMatchingSignature as e:
            results[i] = e.code

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: "no_matching_signature" for i in range(8)}
