"""Error codes: every core code has a class; bad input gets a clear error with a stable code."""

from __future__ import annotations

import pickle
from typing import Any, Callable, Dict, List, Tuple, Type

import pytest

import cstar_webhooks as cw
from cstar_webhooks import _native

SECRET = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8"
NOW = 1_711_800_000
BODY = cw.sample_payload("ticket.created")


def test_every_core_code_maps_to_a_class() -> None:
    codes = _native.VERIFY_ERROR_CODES
    assert len(codes) == len(set(codes)) == 7
    for code in codes:
        cls = cw.error_class_for_code(code)
        assert cls is not cw.WebhookVerificationError, f"no class for core code {code!r}"
        assert issubclass(cls, cw.WebhookVerificationError) and issubclass(cls, ValueError)
        assert cls.code == code
        assert cls.__doc__
    # ... and no class for a code the core does not have.
    assert set(cw.ERRORS_BY_CODE) == set(codes)


def _trigger(code: str) -> None:
    """Makes the real API raise each code (no hand-built exceptions)."""
    v1 = cw.sign(BODY, SECRET, timestamp=NOW)
    if code == "missing_signature":
        cw.verify(BODY, None, SECRET, now=NOW)
    elif code == "malformed_signature":
        cw.verify(BODY, "t=abc,v1=00", SECRET, now=NOW)
    elif code == "timestamp_too_old":
        cw.verify(BODY, v1, SECRET, now=NOW + 301)
    elif code == "timestamp_in_future":
        cw.verify(BODY, v1, SECRET, now=NOW - 301)
    elif code == "no_matching_signature":
        cw.verify(BODY, v1, "whsec_wrong", now=NOW)
    elif code == "legacy_not_allowed":
        cw.verify(BODY, cw.sign_legacy(BODY, SECRET), SECRET, allow_legacy=False, now=NOW)
    elif code == "invalid_payload":
        cw.construct_event(b"[]", cw.sign(b"[]", SECRET, timestamp=NOW), SECRET, now=NOW)
    else:
        raise AssertionError(f"no trigger for {code}: add one")


@pytest.mark.parametrize("code", _native.VERIFY_ERROR_CODES)
def test_each_code_is_raised_as_its_class(code: str) -> None:
    with pytest.raises(cw.WebhookVerificationError) as info:
        _trigger(code)
    assert type(info.value) is cw.error_class_for_code(code)
    assert info.value.code == code
    assert info.value.message.startswith(code)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)


def test_errors_pickle_and_keep_their_code() -> None:
    with pytest.raises(cw.TimestampTooOld) as info:
        _trigger("timestamp_too_old")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is cw.TimestampTooOld and copy.code == "timestamp_too_old"
    assert str(copy) == str(info.value)


def test_unknown_code_falls_back_to_the_base_class() -> None:
    from cstar_webhooks._errors import _native_error

    error = _native_error("verify", "some_future_code", "x")
    assert type(error) is cw.WebhookVerificationError and error.code == "some_future_code"


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (BODY.decode("utf-8"), "got str"),
        ({"id": "evt_1"}, "already parsed as JSON"),
        ([1, 2], "already parsed as JSON"),
        (None, "got None"),
        (12345, "got int"),
        (1.5, "got float"),
    ],
    ids=["str", "dict", "list", "None", "int", "float"],
)
def test_body_that_is_not_bytes_gets_a_helpful_error(payload: Any, needle: str) -> None:
    header = cw.sign(BODY, SECRET, timestamp=NOW)
    calls: List[Callable[[], object]] = [
        lambda: cw.verify(payload, header, SECRET, now=NOW),
        lambda: cw.construct_event(payload, header, SECRET, now=NOW),
        lambda: cw.Verifier(SECRET).verify(payload, header, now=NOW),
        lambda: cw.sign(payload, SECRET),
        lambda: cw.sign_legacy(payload, SECRET),
        lambda: cw.diagnose(payload, header, SECRET, now=NOW),
        lambda: cw.parse_event(payload),
        lambda: cw.generate_test_headers(payload, SECRET),
    ]
    for call in calls:
        with pytest.raises(cw.RawBodyRequiredError) as info:
            call()
        assert info.value.code == "raw_body_required"
        assert isinstance(info.value, TypeError)
        assert needle in str(info.value)
        assert "request.get_data()" in str(info.value)


def test_bytearray_and_memoryview_bodies_are_accepted() -> None:
    header = cw.sign(BODY, SECRET, timestamp=NOW)
    assert cw.verify(bytearray(BODY), header, SECRET, now=NOW).scheme == "v1"
    assert cw.verify(memoryview(BODY), header, SECRET, now=NOW).scheme == "v1"


BAD_ARGUMENTS: List[Tuple[str, Dict[str, Any]]] = [
    ("secrets int", dict(secrets=42)),
    ("secrets bytes", dict(secrets=SECRET.encode())),
    ("secrets list of bytes", dict(secrets=[SECRET.encode()])),
    ("secrets dict", dict(secrets={"a": SECRET})),
    ("secrets lone surrogate", dict(secrets="whsec_\ud800")),
    ("header bytes", dict(header=b"t=1,v1=00")),
    ("header int", dict(header=5)),
    ("header lone surrogate", dict(header="t=1\udfff")),
    ("tolerance negative", dict(tolerance=-1)),
    ("tolerance float", dict(tolerance=1.5)),
    ("tolerance str", dict(tolerance="300")),
    ("tolerance bool", dict(tolerance=True)),
    ("tolerance huge", dict(tolerance=2**64)),
    ("max_age negative", dict(max_age=-5)),
    ("max_future huge", dict(max_future=10**30)),
    ("allow_legacy int", dict(allow_legacy=1)),
    ("now float", dict(now=1.5)),
    ("now huge", dict(now=2**63)),
    ("now str", dict(now="now")),
]


@pytest.mark.parametrize(("name", "override"), BAD_ARGUMENTS, ids=[n for n, _ in BAD_ARGUMENTS])
def test_bad_arguments_get_invalid_argument(name: str, override: Dict[str, Any]) -> None:
    args: Dict[str, Any] = dict(payload=BODY, header=cw.sign(BODY, SECRET, timestamp=NOW), secrets=SECRET, now=NOW)
    args.update(override)
    with pytest.raises(cw.InvalidArgumentError) as info:
        cw.verify(**args)
    assert info.value.code == "invalid_argument"
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert SECRET not in str(info.value)


def test_extreme_numbers_are_handled_by_the_core() -> None:
    big = 2**63 - 1
    header = cw.sign(BODY, SECRET, timestamp=big)
    assert cw.verify(BODY, header, SECRET, now=big).timestamp == big
    with pytest.raises(cw.TimestampTooOld):
        cw.verify(BODY, cw.sign(BODY, SECRET, timestamp=0), SECRET, now=big, max_age=big - 1, max_future=0)
    with pytest.raises(cw.MalformedSignature):
        cw.verify(BODY, "t=99999999999999999999999,v1=" + "0" * 64, SECRET, now=NOW)
    assert cw.verify(BODY, header, SECRET, now=0, tolerance=2**64 - 1).scheme == "v1"


def test_non_utf8_bodies_verify_and_fail_parsing_cleanly() -> None:
    body = b"\xff\xfe\x00\x80"
    header = cw.sign(body, SECRET, timestamp=NOW)
    assert cw.verify(body, header, SECRET, now=NOW).scheme == "v1"
    with pytest.raises(cw.InvalidPayload):
        cw.construct_event(body, header, SECRET, now=NOW)


def test_empty_secret_list_never_verifies() -> None:
    header = cw.sign(BODY, SECRET, timestamp=NOW)
    with pytest.raises(cw.NoMatchingSignature):
        cw.verify(BODY, header, [], now=NOW)
    with pytest.raises(cw.InvalidArgumentError):
        cw.sign(BODY, [])


def test_secrets_never_appear_in_reprs() -> None:
    verifier = cw.Verifier([SECRET, "whsec_second_secret_value"], tolerance=10)
    text = repr(verifier)
    assert SECRET not in text and "whsec_second" not in text and "2 redacted" in text
    from cstar_webhooks.fastapi import WebhookEvent

    assert SECRET not in repr(WebhookEvent(SECRET))


@pytest.mark.parametrize(
    ("call", "exc"),
    [
        (lambda: cw.sample_payload("ticket.merged"), cw.InvalidArgumentError),
        (lambda: cw.sample_event("Ticket.Created"), cw.InvalidArgumentError),
        (lambda: cw.flatten(b"not json"), cw.InvalidPayload),
        (lambda: cw.flatten(42), cw.InvalidArgumentError),
        (lambda: cw.flatten({1: "x"}), cw.InvalidArgumentError),
        (lambda: cw.flatten({"x": float("nan")}), cw.InvalidArgumentError),
        (lambda: cw.flatten({"x": 2**70}), cw.InvalidArgumentError),
        (lambda: cw.flatten({"x": object()}), cw.InvalidArgumentError),
        (lambda: cw.Event.from_dict({"id": "x"}), cw.InvalidPayload),
        (lambda: cw.parse_headers(42), cw.InvalidArgumentError),
        (lambda: cw.generate_test_headers(b"not an event", SECRET), cw.InvalidArgumentError),
        (lambda: cw.generate_test_headers(BODY, SECRET, attempt=-1), cw.InvalidArgumentError),
        # Input whose header could never verify: the core's signing check refuses it.
        (lambda: cw.sign(BODY, SECRET, timestamp=-1), cw.InvalidArgumentError),
        (lambda: cw.sign(BODY, []), cw.InvalidArgumentError),
        (lambda: cw.sign(BODY, [SECRET, ""]), cw.InvalidArgumentError),
        (lambda: cw.generate_test_headers(BODY, SECRET, timestamp=-1), cw.InvalidArgumentError),
        (lambda: cw.generate_test_headers(BODY, []), cw.InvalidArgumentError),
    ],
)
def test_other_bad_input(call: Any, exc: Type[Exception]) -> None:
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, cw.WebhookError) and info.value.code


def test_self_referencing_dict_is_refused_not_crashing() -> None:
    looped: Dict[str, Any] = {"id": "x"}
    looped["self"] = looped
    with pytest.raises(cw.InvalidArgumentError):
        cw.flatten(looped)
