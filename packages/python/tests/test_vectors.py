"""Every case of tests/vectors/signatures.json and events.json, through the public API."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import cstar_webhooks as cw
from conftest import load_vectors, raw_body

SIGNATURES = load_vectors("signatures.json")
EVENTS = load_vectors("events.json")


def _ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [str(c["name"]) for c in cases]


def test_vector_files_are_not_empty() -> None:
    # A suite must fail, not skip, when it cannot run the cases.
    assert len(SIGNATURES["verify"]) > 0 and len(SIGNATURES["sign"]) > 0
    assert len(EVENTS["parse"]) > 0 and len(EVENTS["flatten"]) > 0
    assert len(set(_ids(SIGNATURES["verify"]))) == len(SIGNATURES["verify"])


@pytest.mark.parametrize("case", SIGNATURES["verify"], ids=_ids(SIGNATURES["verify"]))
def test_verify_case(case: Dict[str, Any]) -> None:
    body = raw_body(case)
    opts = case["options"]
    expected = case["expected"]
    kwargs: Dict[str, Any] = dict(
        max_age=opts["max_age"], max_future=opts["max_future"], allow_legacy=opts["allow_legacy"], now=case["now"]
    )
    if expected["ok"]:
        result = cw.verify(body, case["header"], case["secrets"], **kwargs)
        assert (result.scheme, result.timestamp, result.secret_index) == (
            expected["scheme"],
            expected["timestamp"],
            expected["secret_index"],
        )
    else:
        with pytest.raises(cw.WebhookVerificationError) as info:
            cw.verify(body, case["header"], case["secrets"], **kwargs)
        assert info.value.code == expected["code"]
        assert type(info.value) is cw.ERRORS_BY_CODE[expected["code"]]
        # The message never reveals a secret.
        for secret in case["secrets"]:
            if len(secret) > 6:
                assert secret not in str(info.value)


@pytest.mark.parametrize("case", SIGNATURES["verify"], ids=_ids(SIGNATURES["verify"]))
def test_verify_case_with_reusable_verifier(case: Dict[str, Any]) -> None:
    opts = case["options"]
    verifier = cw.Verifier(
        case["secrets"], max_age=opts["max_age"], max_future=opts["max_future"], allow_legacy=opts["allow_legacy"]
    )
    expected = case["expected"]
    if expected["ok"]:
        result = verifier.verify(raw_body(case), case["header"], now=case["now"])
        assert result.secret_index == expected["secret_index"]
        assert result.scheme == expected["scheme"]
    else:
        with pytest.raises(cw.WebhookVerificationError) as info:
            verifier.verify(raw_body(case), case["header"], now=case["now"])
        assert info.value.code == expected["code"]


@pytest.mark.parametrize("case", SIGNATURES["sign"], ids=_ids(SIGNATURES["sign"]))
def test_sign_case(case: Dict[str, Any]) -> None:
    body = raw_body(case)
    if case["scheme"] == "v1":
        header = cw.sign(body, case["secrets"], timestamp=case["timestamp"])
    else:
        assert case["scheme"] == "legacy" and len(case["secrets"]) == 1
        header = cw.sign_legacy(body, case["secrets"][0])
    assert header == case["expected_header"]
    now = case["timestamp"] if case["timestamp"] is not None else 0
    for secret in case["secrets"]:
        result = cw.verify(body, header, secret, now=now)
        assert (result.scheme, result.secret_index) == (case["scheme"], 0)
    rotated = cw.verify(body, header, ["whsec_not_this_one", *case["secrets"]], now=now)
    assert rotated.secret_index == 1


@pytest.mark.parametrize("case", EVENTS["parse"], ids=_ids(EVENTS["parse"]))
def test_parse_case(case: Dict[str, Any]) -> None:
    body = str(case["body"]).encode("utf-8")
    expected = case["expected"]
    if not expected["ok"]:
        with pytest.raises(cw.InvalidPayload) as info:
            cw.parse_event(body)
        assert info.value.code == expected["code"] == "invalid_payload"
        return
    event = cw.parse_event(body)
    assert event.id == expected["id"]
    assert event.type == expected["type"]
    assert event.team_id == expected["team_id"]
    assert event.created_at == expected["created_at"]
    assert event.known_type is expected["known_type"]
    assert event.family == expected["family"]
    assert list(event.data.keys()) == expected["data_keys"]
    assert event.raw == json.loads(body)
    # The same envelope through construct_event (signed) and from an already-decoded dict.
    header = cw.sign(body, "whsec_vectors", timestamp=1_711_800_000)
    signed = cw.construct_event(body, header, "whsec_vectors", now=1_711_800_000)
    assert (signed.id, signed.type, signed.family) == (event.id, event.type, event.family)
    assert cw.Event.from_dict(json.loads(body)) == event


@pytest.mark.parametrize("case", EVENTS["flatten"], ids=_ids(EVENTS["flatten"]))
def test_flatten_case(case: Dict[str, Any]) -> None:
    text: str = case["input_text"]
    for source in (text.encode("utf-8"), text, json.loads(text), case["input"]):
        flat = cw.flatten(source)
        assert list(flat.keys()) == case["expected_keys"]
        assert flat == case["expected"]
