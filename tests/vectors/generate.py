#!/usr/bin/env python3
"""Generate the shared test vectors of the cStar webhooks SDK.

This script is the contract's *independent oracle*: every expected value in
``signatures.json`` and ``events.json`` is computed here, with Python's standard
library only (``hmac``, ``hashlib``, ``json``), never copied from the SDK under
test.  It encodes the rules of SPEC §2 (payload, flat payload) and §4
(signatures) as small, readable functions, and each case also states the
outcome its author intended, so that a slip in the oracle or in a case fails
loudly here instead of landing in the vectors.

Usage (from the repository root):

    python3 tests/vectors/generate.py          # (re)write the two JSON files
    python3 tests/vectors/generate.py --check  # exit 1 if they are out of date

The output is deterministic: no clock, no randomness, dicts in insertion order.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
FORMAT_VERSION = 1

# ---------------------------------------------------------------------------
# Fixed inputs
# ---------------------------------------------------------------------------

# Secrets look like generated ones: "whsec_" + 32 base62 characters.
SECRET_A = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8"
SECRET_B = "whsec_yZM3w6SXGWiBJqABMm9ffAZv2KnLnL4z"
SECRET_C = "whsec_E2VDehjLuAfGJmdlNl4x5fBN6Iiqf2Ek"
SECRET_OLD = "whsec_iALEjzklv8Eqa8pB1BTeM37lJRM56apW"  # the old half of a rotation
SECRET_NEW = "whsec_qT71MF6fKQ38HL66nqdBbJjHIl7fGQ7I"  # the new half of a rotation
SECRET_OTHER = "whsec_6c5t6bMVYzbRko3ENzctqIuSlx0BSeur"  # never configured: "wrong secret"

_BASE62 = re.compile(r"whsec_[0-9A-Za-z]{32}")
for _s in (SECRET_A, SECRET_B, SECRET_C, SECRET_OLD, SECRET_NEW, SECRET_OTHER):
    assert _BASE62.fullmatch(_s), _s

NOW = 1711800000  # 2024-03-30T12:00:00Z, the guide's example `t`
I64_MAX = 2**63 - 1
DEFAULT_OPTIONS = {"max_age": 300, "max_future": 300, "allow_legacy": True}

# The product guide's example payload, verbatim (pretty-printed, no trailing newline).
GUIDE_EXAMPLE = """{
  "id": "evt_ticket_created_a1B2c3D4",
  "type": "ticket.created",
  "created_at": "2026-03-30T10:30:00Z",
  "team_id": "ffce2c0d-a0c8-4285-a55f-c674f191feb0",
  "data": {
    "ticket": {
      "id": "tkt_a1B2c3D4e5F6",
      "prefixed_id": "CST-1024",
      "title": "Cannot reset password",
      "status": "new",
      "priority": "normal",
      "channel": "widget",
      "customer_id": "cus_01H8X9YZ7E0J3K4M5N6Q",
      "created_at": "2026-04-27T18:42:11.000Z"
    },
    "customer": {
      "id": "cus_01H8X9YZ7E0J3K4M5N6Q",
      "name": "Casey Patel",
      "email": "casey@example.com"
    }
  }
}"""

# A small compact body used by most signature cases.
COMPACT_BODY = (
    '{"id":"evt_customer_created_KLSXVpkXeoaNx0XU","type":"customer.created",'
    '"created_at":"2024-03-30T12:00:00Z","team_id":"3f0c7a52-9b1e-4d2a-8c6f-1e5b7d9a2c40",'
    '"data":{"customer":{"id":"cus_01HT4QW8M2ZC7R5N3B6V","name":"Ada Lovelace",'
    '"email":"ada@example.com"}}}'
)

# Raw bytes that are not valid UTF-8 (0xff and 0xfe never occur in UTF-8,
# 0x80 is a lone continuation byte); the NUL byte checks binary safety.
NON_UTF8_BODY = bytes([0xFF, 0xFE, 0x00, 0x80])
NON_UTF8_JSONISH_BODY = b'{"note":"caf\xe9 \xff"}'  # Latin-1 text sent as-is


@dataclass(frozen=True)
class Repeat:
    """A body stored as `pattern` (UTF-8) repeated `count` times (not stored expanded)."""

    pattern: str
    count: int


ONE_MIB_BODY = Repeat("cStar webhooks! ", 65536)  # 16 bytes x 65536 = 1 MiB
assert len(ONE_MIB_BODY.pattern.encode()) * ONE_MIB_BODY.count == 1024 * 1024

Body = str | bytes | Repeat


def body_bytes(body: Body) -> bytes:
    """The raw bytes a body stands for."""
    if isinstance(body, Repeat):
        return body.pattern.encode("utf-8") * body.count
    if isinstance(body, bytes):
        return body
    return body.encode("utf-8")


def body_fields(body: Body) -> dict[str, Any]:
    """The one JSON field that carries a body: body, body_hex or body_repeat."""
    if isinstance(body, Repeat):
        return {"body_repeat": {"pattern": body.pattern, "count": body.count}}
    if isinstance(body, bytes):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return {"body_hex": body.hex()}
        raise ValueError("use a str for bodies that are valid UTF-8")
    return {"body": body}


# ---------------------------------------------------------------------------
# Oracle: signing (SPEC §4)
# ---------------------------------------------------------------------------


def hmac_sha256(secret: str, message: bytes) -> bytes:
    """HMAC-SHA256 keyed with the secret string's UTF-8 bytes, prefix included."""
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def v1_message(t: int, body: bytes) -> bytes:
    """The v1 signed message: ASCII "{t}." (canonical decimal) + raw body bytes."""
    return f"{t}.".encode("ascii") + body


def sign_v1(secret: str, t: int, body: Body) -> str:
    return hmac_sha256(secret, v1_message(t, body_bytes(body))).hex()


def sign_legacy(secret: str, body: Body) -> str:
    return hmac_sha256(secret, body_bytes(body)).hex()


def v1_header(t: int | str, *signatures: str) -> str:
    return ",".join([f"t={t}"] + [f"v1={s}" for s in signatures])


# ---------------------------------------------------------------------------
# Oracle: verifying (SPEC §4, refined by the rules in README.md)
# ---------------------------------------------------------------------------

ITEM_WS = " \t"  # only ASCII space and tab are trimmed around items
ASCII_DIGITS = re.compile(r"[0-9]+")  # deliberately not \d (which is Unicode-aware)
HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class VerifyError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_items(header: str) -> list[tuple[str, str]]:
    """Split a header into (key, value) items; key = text before the first '='."""
    items = []
    for raw in header.split(","):
        key, sep, value = raw.strip(ITEM_WS).partition("=")
        if not sep or not key:  # no '=', or an empty item, or an empty key
            raise VerifyError("malformed_signature")
        items.append((key, value))
    return items


def parse_timestamp(value: str) -> int:
    """1+ ASCII digits (leading zeros allowed) fitting in a signed 64-bit integer."""
    if not ASCII_DIGITS.fullmatch(value) or int(value) > I64_MAX:
        raise VerifyError("malformed_signature")
    return int(value)


def first_matching_secret(
    secrets: list[str], candidates: list[str], digest_for: Callable[[str], bytes]
) -> int:
    """Index of the first secret whose digest equals ANY candidate (hex, any case)."""
    wanted = [bytes.fromhex(c) for c in candidates if HEX64.fullmatch(c)]
    for index, secret in enumerate(secrets):
        digest = digest_for(secret)
        if any(hmac.compare_digest(digest, w) for w in wanted):
            return index
    raise VerifyError("no_matching_signature")


def verify(
    secrets: list[str], header: str | None, body: bytes, now: int, options: dict[str, Any]
) -> dict[str, Any]:
    """The reference verifier. Returns the `expected` object of a verify case."""
    try:
        if header is None or header.strip(ITEM_WS) == "":
            raise VerifyError("missing_signature")
        items = parse_items(header)
        keys = [k for k, _ in items]

        if "t" in keys:  # v1 path; a header with t= is never downgraded to legacy
            t_values = [v for k, v in items if k == "t"]
            if len(t_values) != 1:
                raise VerifyError("malformed_signature")
            t = parse_timestamp(t_values[0])
            v1_values = [v for k, v in items if k == "v1"]  # other keys are ignored
            if not v1_values:
                raise VerifyError("malformed_signature")
            # Timestamp before signatures; exactly equal to a bound passes.
            if now - t > options["max_age"]:
                raise VerifyError("timestamp_too_old")
            if t - now > options["max_future"]:
                raise VerifyError("timestamp_in_future")
            message = v1_message(t, body)
            index = first_matching_secret(secrets, v1_values, lambda s: hmac_sha256(s, message))
            return {"ok": True, "scheme": "v1", "timestamp": t, "secret_index": index}

        if len(items) == 1 and keys[0] == "sha256":  # legacy: no timestamp check
            if not options["allow_legacy"]:
                raise VerifyError("legacy_not_allowed")
            index = first_matching_secret(secrets, [items[0][1]], lambda s: hmac_sha256(s, body))
            return {"ok": True, "scheme": "legacy", "timestamp": None, "secret_index": index}

        raise VerifyError("malformed_signature")
    except VerifyError as err:
        return {"ok": False, "code": err.code}


# ---------------------------------------------------------------------------
# signatures.json: verify cases
# ---------------------------------------------------------------------------


def verify_case(
    name: str,
    description: str,
    header: str | None,
    intent: str,
    *,
    body: Body = COMPACT_BODY,
    secrets: tuple[str, ...] = (SECRET_A,),
    now: int = NOW,
    options: dict[str, Any] | None = None,
    secret_index: int | None = None,
) -> dict[str, Any]:
    """Build one verify case; `intent` is "ok" or the error code the author expects.

    The written `expected` is always the oracle's result; the intent (and the
    secret_index, when given) only cross-checks it.
    """
    opts = dict(DEFAULT_OPTIONS, **(options or {}))
    expected = verify(list(secrets), header, body_bytes(body), now, opts)
    got = "ok" if expected["ok"] else expected["code"]
    assert got == intent, f"{name}: oracle says {got}, case intends {intent}"
    if secret_index is not None:
        assert expected.get("secret_index") == secret_index, f"{name}: {expected}"
    assert 1 <= len(secrets) <= 3, name
    return {
        "name": name,
        "description": description,
        "secrets": list(secrets),
        "header": header,
        **body_fields(body),
        "now": now,
        "options": opts,
        "expected": expected,
    }


def verify_cases() -> list[dict[str, Any]]:
    A, B, C = SECRET_A, SECRET_B, SECRET_C
    sig = sign_v1(A, NOW, COMPACT_BODY)  # the good v1 signature of the default case
    legacy = sign_legacy(A, COMPACT_BODY)  # the good legacy signature of the default case
    good = v1_header(NOW, sig)
    wrong = sign_v1(SECRET_OTHER, NOW, COMPACT_BODY)
    guide_sig = sign_v1(A, NOW, GUIDE_EXAMPLE)
    three = (A, B, C)
    asym = {"max_age": 600, "max_future": 0}

    def at(t: int, body: Body = COMPACT_BODY, secret: str = A) -> str:
        """A correct header for timestamp t."""
        return v1_header(t, sign_v1(secret, t, body))

    cases = [
        # --- valid v1 ---------------------------------------------------------
        verify_case("v1_valid", "A correct v1 header with one secret.", good, "ok"),
        verify_case(
            "v1_valid_guide_example",
            "The guide's example payload (verbatim, pretty-printed) signed with v1.",
            v1_header(NOW, guide_sig), "ok", body=GUIDE_EXAMPLE,
        ),
        verify_case(
            "v1_guide_example_rotation",
            "The guide's payload signed with the old and new secrets; the receiver lists [other, new].",
            v1_header(NOW, sign_v1(SECRET_OLD, NOW, GUIDE_EXAMPLE), sign_v1(SECRET_NEW, NOW, GUIDE_EXAMPLE)),
            "ok", body=GUIDE_EXAMPLE, secrets=(SECRET_OTHER, SECRET_NEW), secret_index=1,
        ),
        verify_case(
            "v1_guide_example_stale",
            "The guide's payload, correctly signed, arriving one hour late.",
            v1_header(NOW, guide_sig), "timestamp_too_old", body=GUIDE_EXAMPLE, now=NOW + 3600,
        ),
        verify_case(
            "v1_guide_example_wrong_secret",
            "The guide's payload signed with a secret the receiver does not have.",
            at(NOW, GUIDE_EXAMPLE, SECRET_OTHER), "no_matching_signature", body=GUIDE_EXAMPLE,
        ),
        verify_case(
            "v1_upper_case_hex", "Upper-case hex matches (hex compared case-insensitively).",
            v1_header(NOW, sig.upper()), "ok",
        ),
        verify_case(
            "v1_mixed_case_hex", "Mixed-case hex matches.",
            v1_header(NOW, sig[:32].upper() + sig[32:]), "ok",
        ),
        verify_case(
            "v1_items_in_any_order", "The v1 item may come before the t item.",
            f"v1={sig},t={NOW}", "ok",
        ),
        verify_case(
            "v1_whitespace_around_items", "Spaces around items are trimmed.",
            f"  t={NOW} ,  v1={sig}  ", "ok",
        ),
        verify_case(
            "v1_tabs_around_items", "Tabs (and spaces mixed with tabs) around items are trimmed.",
            f"\tt={NOW}\t, \tv1={sig} \t", "ok",
        ),
        verify_case(
            "v1_unknown_keys_ignored", "Items with unknown keys (v0, v2, x) are ignored.",
            f"t={NOW},v0=deadbeef,v1={sig},v2={wrong},x=a=b", "ok",
        ),
        verify_case(
            "v1_leading_zeros_in_t",
            "t with leading zeros; the signature is computed over the canonical decimal.",
            v1_header("000" + str(NOW), sig), "ok",
        ),
        verify_case(
            "v1_empty_body", "An empty body signs the message \"{t}.\".",
            at(NOW, ""), "ok", body="",
        ),
        verify_case(
            "v1_non_utf8_body", "Body bytes ff fe 00 80 (not UTF-8) verify as raw bytes.",
            at(NOW, NON_UTF8_BODY), "ok", body=NON_UTF8_BODY,
        ),
        verify_case(
            "v1_non_utf8_jsonish_body", "A Latin-1 encoded JSON-like body verifies as raw bytes.",
            at(NOW, NON_UTF8_JSONISH_BODY), "ok", body=NON_UTF8_JSONISH_BODY,
        ),
        verify_case(
            "v1_one_mib_body", "A 1 MiB body (body_repeat) verifies.",
            at(NOW, ONE_MIB_BODY), "ok", body=ONE_MIB_BODY,
        ),
        verify_case(
            "v1_unicode_body", "A UTF-8 body with non-ASCII text is signed as its UTF-8 bytes.",
            at(NOW, '{"name":"Zoë Ñúñez","city":"北京","mood":"🎉"}'), "ok",
            body='{"name":"Zoë Ñúñez","city":"北京","mood":"🎉"}',
        ),
        verify_case(
            "v1_ok_when_legacy_refused", "Refusing legacy has no effect on a v1 header.",
            good, "ok", options={"allow_legacy": False},
        ),
        verify_case(
            "v1_with_sha256_item_and_valid_v1",
            "A header with t= and a sha256 item is verified as v1 (sha256 ignored).",
            f"sha256={legacy},t={NOW},v1={sig}", "ok",
        ),
        # --- rotation and several secrets ---------------------------------------
        verify_case(
            "rotation_second_v1_entry_matches",
            "Two v1 entries (old and new secret); only the second matches the configured secret.",
            v1_header(NOW, sign_v1(SECRET_OLD, NOW, COMPACT_BODY), sign_v1(SECRET_NEW, NOW, COMPACT_BODY)),
            "ok", secrets=(SECRET_NEW,), secret_index=0,
        ),
        verify_case(
            "rotation_receiver_still_on_old_secret",
            "Two v1 entries; the receiver only knows the old secret, which matches the first entry.",
            v1_header(NOW, sign_v1(SECRET_OLD, NOW, COMPACT_BODY), sign_v1(SECRET_NEW, NOW, COMPACT_BODY)),
            "ok", secrets=(SECRET_OLD,), secret_index=0,
        ),
        verify_case(
            "secrets_first_matches", "Three secrets; the header is signed with the first.",
            good, "ok", secrets=three, secret_index=0,
        ),
        verify_case(
            "secrets_second_matches", "Three secrets; the header is signed with the second.",
            at(NOW, secret=B), "ok", secrets=three, secret_index=1,
        ),
        verify_case(
            "secrets_third_matches", "Three secrets; the header is signed with the third.",
            at(NOW, secret=C), "ok", secrets=three, secret_index=2,
        ),
        verify_case(
            "secrets_first_in_secret_order_wins",
            "Entries signed with C then A; secret_index is the first SECRET (in order) matching any entry.",
            v1_header(NOW, sign_v1(C, NOW, COMPACT_BODY), sig), "ok", secrets=three, secret_index=0,
        ),
        verify_case(
            "secrets_rotation_both_configured",
            "Receiver lists [new, old]; the header carries both signatures: the new secret (index 0) wins.",
            v1_header(NOW, sign_v1(SECRET_OLD, NOW, COMPACT_BODY), sign_v1(SECRET_NEW, NOW, COMPACT_BODY)),
            "ok", secrets=(SECRET_NEW, SECRET_OLD), secret_index=0,
        ),
        verify_case(
            "secrets_none_match", "Three secrets, none of which made the signature.",
            v1_header(NOW, wrong), "no_matching_signature", secrets=three,
        ),
        # --- timestamp tolerance ----------------------------------------------
        verify_case(
            "tolerance_exactly_max_age_old", "Signed exactly 300 s ago: passes.",
            good, "ok", now=NOW + 300,
        ),
        verify_case(
            "tolerance_one_second_too_old", "Signed 301 s ago.",
            good, "timestamp_too_old", now=NOW + 301,
        ),
        verify_case(
            "tolerance_exactly_max_future", "Signed 300 s in the future: passes.",
            good, "ok", now=NOW - 300,
        ),
        verify_case(
            "tolerance_one_second_in_future", "Signed 301 s in the future.",
            good, "timestamp_in_future", now=NOW - 301,
        ),
        verify_case(
            "tolerance_split_max_age_600_ok", "max_age 600, max_future 0: 600 s old passes.",
            good, "ok", now=NOW + 600, options=asym,
        ),
        verify_case(
            "tolerance_split_max_age_600_too_old", "max_age 600, max_future 0: 601 s old fails.",
            good, "timestamp_too_old", now=NOW + 601, options=asym,
        ),
        verify_case(
            "tolerance_split_max_future_0_same_second", "max_future 0: t == now passes.",
            good, "ok", options=asym,
        ),
        verify_case(
            "tolerance_split_max_future_0_one_second_ahead", "max_future 0: 1 s in the future fails.",
            good, "timestamp_in_future", now=NOW - 1, options=asym,
        ),
        verify_case(
            "timestamp_zero", "t=0 (correctly signed) is far too old.",
            at(0), "timestamp_too_old",
        ),
        verify_case(
            "timestamp_i64_max",
            "t=9223372036854775807 (correctly signed) is in the future; no overflow in t - now.",
            at(I64_MAX), "timestamp_in_future",
        ),
        verify_case(
            "timestamp_in_milliseconds", "t in milliseconds (correctly signed) lies far in the future.",
            at(NOW * 1000), "timestamp_in_future",
        ),
        verify_case(
            "timestamp_checked_before_signature_old", "Too old AND a wrong signature: the timestamp error wins.",
            v1_header(NOW - 3600, wrong), "timestamp_too_old",
        ),
        verify_case(
            "timestamp_checked_before_signature_future",
            "In the future AND a wrong signature: the timestamp error wins.",
            v1_header(NOW + 3600, wrong), "timestamp_in_future",
        ),
        # --- missing header -----------------------------------------------------
        verify_case("header_absent", "No X-Signature header (null).", None, "missing_signature"),
        verify_case("header_empty", "An empty X-Signature header.", "", "missing_signature"),
        verify_case(
            "header_whitespace_only", "A header of spaces and tabs only.", " \t  ", "missing_signature",
        ),
        # --- malformed header ---------------------------------------------------
        verify_case("header_only_comma", "A lone comma: two empty items.", ",", "malformed_signature"),
        verify_case("trailing_comma", "A trailing comma makes an empty item.", good + ",", "malformed_signature"),
        verify_case("leading_comma", "A leading comma makes an empty item.", "," + good, "malformed_signature"),
        verify_case(
            "double_comma", "Two commas in a row make an empty item.",
            f"t={NOW},,v1={sig}", "malformed_signature",
        ),
        verify_case(
            "item_without_equals", "An item without '='.", f"{good},foo", "malformed_signature",
        ),
        verify_case("item_with_empty_key", "An item '=x' has an empty key.", f"{good},=x", "malformed_signature"),
        verify_case(
            "t_duplicate_same_value", "Two t items, even with the same value.",
            f"t={NOW},t={NOW},v1={sig}", "malformed_signature",
        ),
        verify_case(
            "t_duplicate_different_values", "Two t items with different values.",
            f"t={NOW},v1={sig},t={NOW + 1}", "malformed_signature",
        ),
        verify_case("t_plus_sign", "t with a '+' sign.", v1_header(f"+{NOW}", sig), "malformed_signature"),
        verify_case("t_minus_sign", "t with a '-' sign.", v1_header(f"-{NOW}", sig), "malformed_signature"),
        verify_case("t_fraction", "t with a fraction.", v1_header(f"{NOW}.5", sig), "malformed_signature"),
        verify_case("t_exponent", "t in exponent notation.", v1_header("1.7118e9", sig), "malformed_signature"),
        verify_case("t_hex", "t in hexadecimal.", v1_header(hex(NOW), sig), "malformed_signature"),
        verify_case(
            "t_overflow_i64", "t = 2^63 does not fit in a signed 64-bit integer.",
            v1_header(str(I64_MAX + 1), sig), "malformed_signature",
        ),
        verify_case("t_empty", "t with an empty value.", v1_header("", sig), "malformed_signature"),
        verify_case(
            "t_inner_space", "A space inside the t value (only spaces around items are trimmed).",
            v1_header("1711 800000", sig), "malformed_signature",
        ),
        verify_case(
            "t_non_ascii_digits", "Full-width Unicode digits are not ASCII digits.",
            v1_header(str(NOW).translate({c: c - 0x30 + 0xFF10 for c in range(0x30, 0x3A)}), sig),
            "malformed_signature",
        ),
        verify_case("no_v1_item", "A t item and nothing else.", f"t={NOW}", "malformed_signature"),
        verify_case(
            "no_v1_only_other_versions", "t with v0 and v2 items but no v1.",
            f"t={NOW},v0={sig},v2={sig}", "malformed_signature",
        ),
        verify_case(
            "no_v1_with_stale_t", "No v1 item and an old t: the parse error wins over the timestamp.",
            f"t={NOW - 3600}", "malformed_signature",
        ),
        verify_case(
            "keys_case_sensitive_v1", "'V1' is not 'v1' (keys are case-sensitive), so there is no v1 item.",
            f"t={NOW},V1={sig}", "malformed_signature",
        ),
        verify_case(
            "keys_case_sensitive_t", "'T' is not 't', so this is neither v1 nor legacy.",
            f"T={NOW},v1={sig}", "malformed_signature",
        ),
        verify_case("v1_without_t", "A v1 item without t.", f"v1={sig}", "malformed_signature"),
        verify_case("garbage", "A header that is not a list of key=value items.", "garbage", "malformed_signature"),
        verify_case(
            "t_with_legacy_item_only",
            "t plus a correct sha256 item and no v1: never downgraded to legacy.",
            f"t={NOW},sha256={legacy}", "malformed_signature",
        ),
        # --- well-formed but no match -------------------------------------------
        verify_case(
            "t_with_wrong_v1_and_valid_legacy_item",
            "t, a wrong v1 and a correct sha256 item: the sha256 item is ignored.",
            f"t={NOW},v1={wrong},sha256={legacy}", "no_matching_signature",
        ),
        verify_case("v1_wrong_secret", "Signed with a secret the receiver does not have.", v1_header(NOW, wrong), "no_matching_signature"),
        verify_case("v1_63_hex_digits", "The correct signature minus its last digit.", v1_header(NOW, sig[:-1]), "no_matching_signature"),
        verify_case("v1_65_hex_digits", "The correct signature plus one digit.", v1_header(NOW, sig + "0"), "no_matching_signature"),
        verify_case(
            "v1_non_hex_character", "The correct signature with its last digit replaced by 'g'.",
            v1_header(NOW, sig[:-1] + "g"), "no_matching_signature",
        ),
        verify_case("v1_empty_value", "'v1=' with an empty value never matches (not malformed).", v1_header(NOW, ""), "no_matching_signature"),
        verify_case(
            "v1_base64_encoded",
            "The correct digest in base64 (with '=' padding) instead of hex never matches.",
            v1_header(NOW, base64.b64encode(bytes.fromhex(sig)).decode("ascii")), "no_matching_signature",
        ),
        verify_case(
            "v1_short_entry_beside_wrong_entry", "A truncated and a wrong entry: no match, not malformed.",
            v1_header(NOW, sig[:10], wrong), "no_matching_signature",
        ),
        verify_case(
            "body_tampered_one_byte", "The guide's payload with one byte changed after signing.",
            v1_header(NOW, guide_sig), "no_matching_signature",
            body=GUIDE_EXAMPLE.replace("Cannot reset", "Cannot reseT"),
        ),
        verify_case(
            "body_trailing_newline_added", "A newline was appended to the guide's payload after signing.",
            v1_header(NOW, guide_sig), "no_matching_signature", body=GUIDE_EXAMPLE + "\n",
        ),
        verify_case(
            "body_crlf_line_endings", "The guide's payload with its line endings turned into CRLF.",
            v1_header(NOW, guide_sig), "no_matching_signature", body=GUIDE_EXAMPLE.replace("\n", "\r\n"),
        ),
        verify_case(
            "body_reserialized", "The guide's payload parsed and printed again (compact JSON).",
            v1_header(NOW, guide_sig), "no_matching_signature",
            body=json.dumps(json.loads(GUIDE_EXAMPLE), separators=(",", ":")),
        ),
        verify_case(
            "v1_signature_for_other_timestamp", "A signature made for t-1 under header t.",
            v1_header(NOW, sign_v1(A, NOW - 1, COMPACT_BODY)), "no_matching_signature",
        ),
        verify_case(
            "v1_signed_with_secret_without_prefix", "HMAC keyed with the secret minus its 'whsec_' prefix.",
            v1_header(NOW, hmac_sha256(A.removeprefix("whsec_"), v1_message(NOW, body_bytes(COMPACT_BODY))).hex()),
            "no_matching_signature",
        ),
        verify_case(
            "v1_signed_with_secret_plus_newline", "HMAC keyed with the secret plus a stray trailing newline.",
            v1_header(NOW, hmac_sha256(A + "\n", v1_message(NOW, body_bytes(COMPACT_BODY))).hex()),
            "no_matching_signature",
        ),
        verify_case(
            "v1_carrying_legacy_digest", "v1 entry holding HMAC(secret, body) instead of HMAC(secret, t.body).",
            v1_header(NOW, legacy), "no_matching_signature",
        ),
        verify_case(
            "v1_signed_without_dot", "Signed over \"{t}{body}\" without the '.' separator.",
            v1_header(NOW, hmac_sha256(A, f"{NOW}".encode() + body_bytes(COMPACT_BODY)).hex()),
            "no_matching_signature",
        ),
        # --- legacy -------------------------------------------------------------
        verify_case("legacy_valid", "A correct legacy sha256 header.", f"sha256={legacy}", "ok"),
        verify_case(
            "legacy_valid_guide_example", "The guide's example payload signed with legacy sha256.",
            f"sha256={sign_legacy(A, GUIDE_EXAMPLE)}", "ok", body=GUIDE_EXAMPLE,
        ),
        verify_case("legacy_upper_case_hex", "Legacy hex in upper case matches.", f"sha256={legacy.upper()}", "ok"),
        verify_case("legacy_whitespace_around", "Spaces/tabs around the single item are trimmed.", f" \tsha256={legacy} ", "ok"),
        verify_case(
            "legacy_second_secret", "Legacy with three secrets, signed with the second.",
            f"sha256={sign_legacy(B, COMPACT_BODY)}", "ok", secrets=three, secret_index=1,
        ),
        verify_case(
            "legacy_ignores_clock", "Legacy has no timestamp: any `now` passes.",
            f"sha256={legacy}", "ok", now=2000000000,
        ),
        verify_case(
            "legacy_non_utf8_body", "Legacy over body bytes ff fe 00 80.",
            f"sha256={sign_legacy(A, NON_UTF8_BODY)}", "ok", body=NON_UTF8_BODY,
        ),
        verify_case("legacy_empty_body", "Legacy over an empty body.", f"sha256={sign_legacy(A, '')}", "ok", body=""),
        verify_case(
            "legacy_refused_valid_signature", "A correct legacy header while legacy is refused.",
            f"sha256={legacy}", "legacy_not_allowed", options={"allow_legacy": False},
        ),
        verify_case(
            "legacy_refused_wrong_signature", "A wrong legacy header while legacy is refused: still legacy_not_allowed.",
            f"sha256={sign_legacy(SECRET_OTHER, COMPACT_BODY)}", "legacy_not_allowed", options={"allow_legacy": False},
        ),
        verify_case(
            "legacy_wrong_signature", "Legacy signed with another secret.",
            f"sha256={sign_legacy(SECRET_OTHER, COMPACT_BODY)}", "no_matching_signature",
        ),
        verify_case("legacy_63_hex_digits", "Legacy signature minus its last digit.", f"sha256={legacy[:-1]}", "no_matching_signature"),
        verify_case("legacy_empty_value", "'sha256=' with an empty value.", "sha256=", "no_matching_signature"),
        verify_case(
            "legacy_carrying_v1_digest", "A sha256 item holding HMAC(secret, \"{t}.\" + body) instead of HMAC(secret, body).",
            f"sha256={sig}", "no_matching_signature",
        ),
        verify_case(
            "legacy_body_tampered", "Legacy over the guide's payload, body changed by one byte.",
            f"sha256={sign_legacy(A, GUIDE_EXAMPLE)}", "no_matching_signature",
            body=GUIDE_EXAMPLE.replace("Casey", "Cas3y"),
        ),
        verify_case(
            "legacy_colon_separator", "'sha256:<hex>' (no '=') is malformed.", f"sha256:{legacy}", "malformed_signature",
        ),
        verify_case("legacy_upper_case_key", "'SHA256=' is not 'sha256='.", f"SHA256={legacy}", "malformed_signature"),
        verify_case(
            "legacy_sha1_github_style", "A GitHub-style 'sha1=' header is neither scheme.",
            f"sha1={hashlib.sha1(b'x').hexdigest()}", "malformed_signature",
        ),
        verify_case("legacy_trailing_comma", "'sha256=<hex>,' has an empty item.", f"sha256={legacy},", "malformed_signature"),
        verify_case(
            "legacy_two_sha256_items", "Two sha256 items are not a legacy header.",
            f"sha256={legacy},sha256={legacy}", "malformed_signature",
        ),
        verify_case(
            "legacy_with_v1_but_no_t", "sha256 plus a v1 item but no t: neither scheme.",
            f"sha256={legacy},v1={sig}", "malformed_signature",
        ),
    ]
    return cases


# ---------------------------------------------------------------------------
# signatures.json: sign cases
# ---------------------------------------------------------------------------


def sign_case(name: str, scheme: str, secrets: tuple[str, ...], timestamp: int | None, body: Body) -> dict[str, Any]:
    """The header a sender produces: v1 = one v1 entry per secret, in order."""
    if scheme == "v1":
        assert timestamp is not None
        header = v1_header(timestamp, *(sign_v1(s, timestamp, body) for s in secrets))
    else:
        assert timestamp is None and len(secrets) == 1
        header = f"sha256={sign_legacy(secrets[0], body)}"
    # Whatever a sender signs must verify (with every one of its secrets).
    for secret in secrets:
        now = timestamp if timestamp is not None else NOW
        assert verify([secret], header, body_bytes(body), now, DEFAULT_OPTIONS)["ok"], name
    return {
        "name": name,
        "scheme": scheme,
        "secrets": list(secrets),
        "timestamp": timestamp,
        **body_fields(body),
        "expected_header": header,
    }


def sign_cases() -> list[dict[str, Any]]:
    return [
        sign_case("v1_guide_example", "v1", (SECRET_A,), NOW, GUIDE_EXAMPLE),
        sign_case("v1_compact_body", "v1", (SECRET_B,), NOW, COMPACT_BODY),
        sign_case("v1_rotation_two_secrets", "v1", (SECRET_NEW, SECRET_OLD), NOW, GUIDE_EXAMPLE),
        sign_case("v1_three_secrets", "v1", (SECRET_A, SECRET_B, SECRET_C), NOW + 21600, COMPACT_BODY),
        sign_case("v1_empty_body", "v1", (SECRET_A,), NOW, ""),
        sign_case("v1_non_utf8_body", "v1", (SECRET_A,), NOW, NON_UTF8_BODY),
        sign_case("v1_one_mib_body", "v1", (SECRET_A,), NOW, ONE_MIB_BODY),
        sign_case("v1_unicode_body", "v1", (SECRET_C,), NOW, '{"name":"Zoë Ñúñez","city":"北京","mood":"🎉"}'),
        sign_case("v1_timestamp_zero", "v1", (SECRET_A,), 0, COMPACT_BODY),
        sign_case("legacy_guide_example", "legacy", (SECRET_A,), None, GUIDE_EXAMPLE),
        sign_case("legacy_non_utf8_body", "legacy", (SECRET_A,), None, NON_UTF8_BODY),
        sign_case("legacy_empty_body", "legacy", (SECRET_B,), None, ""),
    ]


# ---------------------------------------------------------------------------
# Oracle: events (SPEC §2)
# ---------------------------------------------------------------------------

# The catalog: type -> family. Anything else is family "unknown".
CATALOG = {
    **{f"ticket.{a}": "tickets" for a in ("created", "updated", "assigned", "resolved", "deleted")},
    **{f"customer.{a}": "customers" for a in ("created", "updated", "deleted")},
    **{f"article.{a}": "articles" for a in ("published", "updated", "archived")},
    **{f"gamification.{a}": "gamification" for a in ("boss_defeated", "badge_earned", "level_up")},
}
assert len(CATALOG) == 14
ENVELOPE_STRINGS = ("id", "type", "created_at", "team_id")


def parse_event(text: str) -> dict[str, Any]:
    """The reference envelope parser. Returns the `expected` object of a parse case.

    A valid envelope is one JSON object (surrounding JSON whitespace allowed)
    whose id, type, created_at and team_id are strings and whose data is an
    object. Extra keys are allowed anywhere; values inside data are not checked.
    """
    try:
        event = json.loads(text)
    except ValueError:  # includes empty input and trailing garbage ("Extra data")
        return {"ok": False, "code": "invalid_payload"}
    if not isinstance(event, dict):
        return {"ok": False, "code": "invalid_payload"}
    if not all(isinstance(event.get(k), str) for k in ENVELOPE_STRINGS):
        return {"ok": False, "code": "invalid_payload"}
    if not isinstance(event.get("data"), dict):
        return {"ok": False, "code": "invalid_payload"}
    return {
        "ok": True,
        "id": event["id"],
        "type": event["type"],
        "known_type": event["type"] in CATALOG,
        "family": CATALOG.get(event["type"], "unknown"),
        "team_id": event["team_id"],
        "created_at": event["created_at"],
        "data_keys": list(event["data"]),
    }


def is_scalar(value: Any) -> bool:
    """JSON string, number or boolean (bool is a subclass of int in Python)."""
    return isinstance(value, (str, int, float))


def flatten(event: dict[str, Any]) -> dict[str, Any]:
    """The flat payload: the event unchanged, then root-level copies of data's fields.

    For each object o under data (in order) and each field f of o (in order):
    a scalar goes to root key "o_f", a nested object is flattened recursively
    ("o_f_g"), arrays and nulls are skipped; non-object values directly under
    data are skipped. A key already at the root is never replaced, so envelope
    keys win and, between two flattened keys, the first one wins.
    """
    out = dict(event)

    def copy_fields(prefix: str, obj: dict[str, Any]) -> None:
        for field, value in obj.items():
            key = f"{prefix}_{field}"
            if isinstance(value, dict):
                copy_fields(key, value)
            elif is_scalar(value) and key not in out:
                out[key] = value
            # None and lists fall through: not copied

    data = event.get("data")
    if isinstance(data, dict):
        for name, obj in data.items():
            if isinstance(obj, dict):
                copy_fields(name, obj)
    return out


# ---------------------------------------------------------------------------
# events.json: sample data
# ---------------------------------------------------------------------------

TEAM = "ffce2c0d-a0c8-4285-a55f-c674f191feb0"

CUSTOMER = {
    "id": "cus_01H8X9YZ7E0J3K4M5N6Q",
    "name": "Casey Patel",
    "email": "casey@example.com",
    "created_at": "2025-11-02T09:15:00Z",
}
TICKET = {
    "id": "tkt_a1B2c3D4e5F6",
    "prefixed_id": "CST-1024",
    "title": "Cannot reset password",
    "status": "open",
    "priority": "normal",
    "channel": "email",
    "customer_id": "cus_01H8X9YZ7E0J3K4M5N6Q",
    "assignee_id": None,
    "created_at": "2026-03-30T10:30:00Z",
    "updated_at": "2026-03-30T10:45:12Z",
}
ARTICLE = {
    "id": "art_48QI5xSuT1xHgyKe",
    "title": "How to reset your password",
    "slug": "how-to-reset-your-password",
    "status": "published",
    "author_id": "agt_Zro4QsBtczVRflf6",
    "url": "https://help.example.com/articles/how-to-reset-your-password",
    "published_at": "2026-03-30T11:00:00Z",
}
AGENT = {"id": "agt_Zro4QsBtczVRflf6", "name": "Morgan Lee"}


def event(type_: str, suffix: str, data: dict[str, Any], created_at: str = "2026-03-30T10:30:00Z") -> dict[str, Any]:
    """An envelope in the documented key order."""
    return {
        "id": f"evt_{type_.replace('.', '_')}_{suffix}",
        "type": type_,
        "created_at": created_at,
        "team_id": TEAM,
        "data": data,
    }


def pretty(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def with_(obj: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**obj, **changes}


def without(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


def catalog_events() -> list[tuple[str, dict[str, Any]]]:
    """One realistic event of every catalog type, in catalog order."""
    resolved = with_(TICKET, status="resolved", assignee_id="agt_Zro4QsBtczVRflf6", updated_at="2026-03-30T14:02:40Z")
    return [
        ("ticket.created", event("ticket.created", "PgeXxOW0JuLRwef0", {"ticket": with_(TICKET, status="new", updated_at=None), "customer": CUSTOMER})),
        ("ticket.updated", event("ticket.updated", "oif5g5a8t3RTIrqZ", {"ticket": with_(TICKET, priority="high")})),
        ("ticket.assigned", event("ticket.assigned", "PstVHiBkB2Q99Wm2", {"ticket": with_(TICKET, assignee_id="agt_Zro4QsBtczVRflf6"), "customer": CUSTOMER})),
        ("ticket.resolved", event("ticket.resolved", "wJe7HgjqdVw96EAA", {"ticket": resolved, "customer": CUSTOMER})),
        ("ticket.deleted", event("ticket.deleted", "UsaNQ6N7hjLzoHvy", {"ticket": with_(resolved, status="closed", channel="chat")})),
        ("customer.created", event("customer.created", "YKHabR0bH1zLT355", {"customer": CUSTOMER})),
        ("customer.updated", event("customer.updated", "zIETj6D9gxOhQPlQ", {"customer": with_(CUSTOMER, email="casey.patel@example.org")})),
        ("customer.deleted", event("customer.deleted", "Ap5oXzJjP8WwyrjO", {"customer": without(CUSTOMER, "created_at")})),
        ("article.published", event("article.published", "dlEv8NmHg8Qm6R6Q", {"article": ARTICLE})),
        ("article.updated", event("article.updated", "AdL2oDKdXBmB1V1o", {"article": with_(ARTICLE, title="Resetting your password")})),
        ("article.archived", event("article.archived", "Uk8ZS3zdqTGKwvKg", {"article": with_(ARTICLE, status="archived", url=None)})),
        ("gamification.boss_defeated", event("gamification.boss_defeated", "1urU46Ac8bF6HOG9", {
            "boss": {"id": "bos_NsXZVwgWBvsUPOy3", "name": "The Backlog Hydra", "level": 7, "hp": 0, "defeated_at": "2026-03-30T16:20:00Z"},
            "agent": AGENT,
        })),
        ("gamification.badge_earned", event("gamification.badge_earned", "ESzcv7G8gxaCBoK3", {
            "badge": {"id": "bdg_syNwJ4YwwWZi1OXT", "name": "First Responder", "earned_at": "2026-03-30T09:05:00Z"},
            "agent": AGENT,
        })),
        ("gamification.level_up", event("gamification.level_up", "rqbAnnyt2e52zBtZ", {
            "level": {"previous": 4, "current": 5, "xp": 12850},
            "agent": AGENT,
        })),
    ]


# ---------------------------------------------------------------------------
# events.json: parse cases
# ---------------------------------------------------------------------------


def parse_case(name: str, body: str, intent: str) -> dict[str, Any]:
    """`intent` is "ok" or "invalid_payload"; `expected` comes from parse_event."""
    expected = parse_event(body)
    got = "ok" if expected["ok"] else expected["code"]
    assert got == intent, f"{name}: oracle says {got}, case intends {intent}"
    return {"name": name, "body": body, "expected": expected}


def parse_cases() -> list[dict[str, Any]]:
    catalog = catalog_events()
    assert [t for t, _ in catalog] == list(CATALOG)
    base = catalog[0][1]  # a valid ticket.created event to break in various ways
    base_text = compact(base)
    cases = [parse_case("guide_example", GUIDE_EXAMPLE, "ok")]
    for i, (type_, ev) in enumerate(catalog):
        # alternate pretty and compact bodies: both are ordinary JSON
        text = pretty(ev) if i % 2 == 0 else compact(ev)
        cases.append(parse_case("type_" + type_.replace(".", "_"), text, "ok"))

    unknown = [
        ("unknown_type_known_prefix", event("ticket.merged", "2RVqNN7a7brMvKvl", {
            "ticket": TICKET, "merged_into": with_(TICKET, id="tkt_Q9w8E7r6T5y4", prefixed_id="CST-0999")})),
        ("unknown_type_unknown_family", event("invoice.paid", "KLSXVpkXeoaNx0XU", {
            "invoice": {"id": "inv_7Hk2", "amount_cents": 4900, "currency": "EUR", "lines": [{"sku": "seat", "qty": 2}]}})),
        ("unknown_type_case_sensitive", event("Ticket.Created", "48QI5xSuT1xHgyKe", {"ticket": TICKET})),
        ("unknown_top_level_fields", with_(base, api_version="2026-03-01", livemode=False, attempt={"n": 1})),
        ("unknown_object_fields", event("ticket.updated", "Zro4QsBtczVRflf6", {
            "ticket": with_(TICKET, sla_due_at="2026-03-31T10:30:00Z", tags=["billing", "vip"], custom={"plan": "pro"}),
            "customer": with_(CUSTOMER, locale="fr-FR")})),
        ("unknown_data_keys", event("ticket.created", "PgeXxOW0JuLRwef0", {
            "ticket": TICKET, "customer": CUSTOMER, "sla_policy": {"id": "sla_gold", "hours": 4}})),
        ("unknown_enum_values", event("ticket.updated", "oif5g5a8t3RTIrqZ", {
            "ticket": with_(TICKET, status="escalated", priority="critical", channel="sms")})),
        ("optional_fields_null", event("ticket.created", "PstVHiBkB2Q99Wm2", {
            "ticket": with_(TICKET, status="new", assignee_id=None, updated_at=None),
            "customer": with_(CUSTOMER, created_at=None)})),
        ("optional_customer_absent", event("ticket.updated", "wJe7HgjqdVw96EAA", {
            "ticket": without(TICKET, "assignee_id", "updated_at")})),
        ("empty_data_object", event("ticket.deleted", "UsaNQ6N7hjLzoHvy", {})),
        ("envelope_keys_in_other_order", {k: base[k] for k in ("data", "team_id", "type", "id", "created_at")}),
        ("unicode_values", event("customer.created", "YKHabR0bH1zLT355", {
            "customer": with_(CUSTOMER, name="Zoë Ñúñez — 北京 🎉", email="zoe@exämple.com")})),
    ]
    for name, ev in unknown:
        cases.append(parse_case(name, pretty(ev), "ok"))
    cases += [
        parse_case("unicode_escapes", base_text.replace("Casey Patel", "Cas\\u00e9y P\\u00e4tel \\ud83c\\udf89"), "ok"),
        parse_case("surrounding_whitespace", "\n  " + base_text + "\r\n", "ok"),
        # --- invalid envelopes ---
        parse_case("invalid_not_json", "this is not json", "invalid_payload"),
        parse_case("invalid_empty_body", "", "invalid_payload"),
        parse_case("invalid_whitespace_only", " \n\t ", "invalid_payload"),
        parse_case("invalid_json_array", "[" + base_text + "]", "invalid_payload"),
        parse_case("invalid_json_string", '"ticket.created"', "invalid_payload"),
        parse_case("invalid_json_null", "null", "invalid_payload"),
        parse_case("invalid_truncated_json", base_text[:-1], "invalid_payload"),
        parse_case("invalid_trailing_garbage", base_text + " x", "invalid_payload"),
        parse_case("invalid_two_objects", base_text + base_text, "invalid_payload"),
        parse_case("invalid_missing_id", compact(without(base, "id")), "invalid_payload"),
        parse_case("invalid_id_not_string", compact(with_(base, id=12345)), "invalid_payload"),
        parse_case("invalid_missing_type", compact(without(base, "type")), "invalid_payload"),
        parse_case("invalid_type_not_string", compact(with_(base, type=123)), "invalid_payload"),
        parse_case("invalid_type_null", compact(with_(base, type=None)), "invalid_payload"),
        parse_case("invalid_missing_created_at", compact(without(base, "created_at")), "invalid_payload"),
        parse_case("invalid_missing_team_id", compact(without(base, "team_id")), "invalid_payload"),
        parse_case("invalid_team_id_null", compact(with_(base, team_id=None)), "invalid_payload"),
        parse_case("invalid_missing_data", compact(without(base, "data")), "invalid_payload"),
        parse_case("invalid_data_array", compact(with_(base, data=[base["data"]])), "invalid_payload"),
        parse_case("invalid_data_string", compact(with_(base, data="ticket")), "invalid_payload"),
        parse_case("invalid_data_null", compact(with_(base, data=None)), "invalid_payload"),
    ]
    return cases


# ---------------------------------------------------------------------------
# events.json: flatten cases
# ---------------------------------------------------------------------------


def flatten_case(
    name: str, event_: dict[str, Any], must: dict[str, Any] | None = None, absent: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`must`/`absent` state what the author expects of a few keys (cross-check only)."""
    expected = flatten(event_)
    for key, value in (must or {}).items():
        assert key in expected and expected[key] == value and type(expected[key]) is type(value), (name, key)
    for key in absent:
        assert key not in expected, (name, key)
    assert list(expected)[: len(event_)] == list(event_), name  # input keys first, unchanged
    assert flatten(expected) == expected and list(flatten(expected)) == list(expected), name  # idempotent
    return {
        "name": name,
        "input": event_,
        "input_text": pretty(event_),
        "expected": expected,
        "expected_keys": list(expected),
    }


def flatten_cases() -> list[dict[str, Any]]:
    guide = json.loads(GUIDE_EXAMPLE)
    catalog = dict(catalog_events())
    return [
        flatten_case("guide_example", guide, must={
            "ticket_id": "tkt_a1B2c3D4e5F6", "ticket_prefixed_id": "CST-1024", "customer_email": "casey@example.com"}),
        flatten_case("gamification_boss_defeated", catalog["gamification.boss_defeated"], must={
            "boss_level": 7, "boss_hp": 0, "agent_name": "Morgan Lee"}),
        flatten_case("gamification_level_up", catalog["gamification.level_up"], must={"level_current": 5}),
        flatten_case("article_null_url_skipped", catalog["article.archived"], absent=("article_url",)),
        flatten_case("nested_objects", event("ticket.updated", "oif5g5a8t3RTIrqZ", {
            "ticket": {
                "id": "tkt_a1B2c3D4e5F6",
                "sla": {"policy": "gold", "due": {"at": "2026-03-31T10:30:00Z", "breached": False}},
                "status": "open",
            },
        }), must={"ticket_sla_policy": "gold", "ticket_sla_due_at": "2026-03-31T10:30:00Z", "ticket_sla_due_breached": False}),
        flatten_case("arrays_and_nulls_skipped", event("ticket.updated", "PstVHiBkB2Q99Wm2", {
            "ticket": {
                "id": "tkt_a1B2c3D4e5F6",
                "tags": ["billing", "vip"],
                "assignee_id": None,
                "watchers": [{"id": "agt_1"}, {"id": "agt_2"}],
                "meta": {"notes": None, "labels": [], "source": "email"},
                "empty": {},
            },
            "customer": None,
            "related": ["tkt_x", "tkt_y"],
            "note": "a string directly under data",
            "count": 3,
        }), must={"ticket_meta_source": "email"},
            absent=("ticket_tags", "ticket_assignee_id", "ticket_watchers", "ticket_meta_notes", "ticket_meta_labels",
                    "ticket_empty", "customer", "related", "note", "count")),
        flatten_case("clash_with_envelope_team_id", event("ticket.assigned", "PstVHiBkB2Q99Wm2", {
            "ticket": {"id": "tkt_a1B2c3D4e5F6"},
            "team": {"id": "team_support_eu", "name": "Support EU"},
        }), must={"team_id": TEAM, "team_name": "Support EU"}),
        flatten_case("clash_with_envelope_created_at", event("ticket.created", "PgeXxOW0JuLRwef0", {
            "ticket": {"id": "tkt_a1B2c3D4e5F6"},
            "created": {"at": "1999-01-01T00:00:00Z", "by": "agt_Zro4QsBtczVRflf6"},
        }), must={"created_at": "2026-03-30T10:30:00Z", "created_by": "agt_Zro4QsBtczVRflf6"}),
        flatten_case("clash_with_existing_root_key", with_(
            event("customer.updated", "zIETj6D9gxOhQPlQ", {"customer": CUSTOMER}),
            customer_email="kept@example.com",
        ), must={"customer_email": "kept@example.com", "customer_name": "Casey Patel"}),
        flatten_case("clash_between_objects_first_wins", event("ticket.updated", "wJe7HgjqdVw96EAA", {
            "ticket": {"sla": {"due": "first"}},
            "ticket_sla": {"due": "second", "hours": 4},
        }), must={"ticket_sla_due": "first", "ticket_sla_hours": 4}),
        flatten_case("clash_within_object_first_wins", event("ticket.updated", "UsaNQ6N7hjLzoHvy", {
            "ticket": {"sla_due": "flat field first", "sla": {"due": "nested second", "hours": 8}},
        }), must={"ticket_sla_due": "flat field first", "ticket_sla_hours": 8}),
        flatten_case("scalar_types_kept", event("gamification.level_up", "rqbAnnyt2e52zBtZ", {
            "level": {"previous": 4, "current": 5, "xp": 12850, "delta": -3, "ratio": 0.75, "zero": 0},
            "agent": {"id": "agt_Zro4QsBtczVRflf6", "name": "Morgan Lee", "active": True, "on_leave": False, "nick": ""},
        }), must={"level_delta": -3, "level_ratio": 0.75, "level_zero": 0, "agent_active": True,
                  "agent_on_leave": False, "agent_nick": ""}),
        flatten_case("unicode_strings", event("customer.created", "YKHabR0bH1zLT355", {
            "customer": {"id": "cus_01H8X9YZ7E0J3K4M5N6Q", "name": "Zoë Ñúñez — 北京 🎉", "email": "zoe@exämple.com"},
        }), must={"customer_name": "Zoë Ñúñez — 北京 🎉"}),
        flatten_case("unknown_type_flattened_too", event("invoice.paid", "KLSXVpkXeoaNx0XU", {
            "invoice": {"id": "inv_7Hk2", "amount_cents": 4900, "lines": [{"sku": "seat"}]},
        }), must={"invoice_amount_cents": 4900}, absent=("invoice_lines",)),
        flatten_case("extra_root_keys_kept_in_place", with_(
            catalog["customer.created"], api_version="2026-03-01", livemode=False,
        ), must={"livemode": False, "customer_id": "cus_01H8X9YZ7E0J3K4M5N6Q"}),
        flatten_case("empty_data", event("ticket.deleted", "UsaNQ6N7hjLzoHvy", {})),
        flatten_case("already_flat_is_unchanged", flatten(guide)),
    ]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def unique_names(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = [c["name"] for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, duplicates
    assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", n) for n in names), names
    return cases


def build() -> dict[str, str]:
    """File name -> file text, fully in memory."""
    verify_list = unique_names(verify_cases())
    sign_list = unique_names(sign_cases())
    parse_list = unique_names(parse_cases())
    flatten_list = unique_names(flatten_cases())
    codes = {c["expected"].get("code") for c in verify_list} - {None}
    assert codes == {"missing_signature", "malformed_signature", "timestamp_too_old", "timestamp_in_future",
                     "no_matching_signature", "legacy_not_allowed"}, codes
    assert len(verify_list) >= 45 and len(sign_list) >= 6

    signatures = {
        "version": FORMAT_VERSION,
        "description": (
            "cStar webhooks signature vectors (SPEC §4). Generated by tests/vectors/generate.py "
            "with Python's stdlib hmac/hashlib; see tests/vectors/README.md for the format."
        ),
        "verify": verify_list,
        "sign": sign_list,
    }
    events = {
        "version": FORMAT_VERSION,
        "description": (
            "cStar webhooks payload vectors (SPEC §2): envelope parsing and the flat payload. "
            "Generated by tests/vectors/generate.py; see tests/vectors/README.md for the format."
        ),
        "parse": parse_list,
        "flatten": flatten_list,
    }
    return {"signatures.json": dump(signatures), "events.json": dump(events)}


def dump(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files are out of date")
    args = parser.parse_args()

    files = build()
    if args.check:
        stale = [
            name for name, text in files.items()
            if not (HERE / name).is_file() or (HERE / name).read_bytes() != text.encode("utf-8")
        ]
        for name in stale:
            print(f"{HERE / name} is out of date: run python3 tests/vectors/generate.py", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
