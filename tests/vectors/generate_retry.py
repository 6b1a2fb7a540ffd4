#!/usr/bin/env python3
"""Generate the retry / delivery / health vectors of the cStar webhooks SDK.

This script is the *independent oracle* for ``retry.json``: every expected
value is computed here, in plain Python (standard library only), from the
rules of SPEC §5-8 written out as small functions below — never copied from
the SDK under test. Cases also state what their author intended (the
offsets of the guide's table, the attempt that succeeds, ...), and the script
refuses to write a file where the oracle disagrees with that intent.

Usage (from the repository root):

    python3 tests/vectors/generate_retry.py          # (re)write retry.json
    python3 tests/vectors/generate_retry.py --check  # exit 1 if it is out of date

The output is deterministic: no clock, no randomness, dicts in insertion order.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORMAT_VERSION = 1
FILE = "retry.json"

# ---------------------------------------------------------------------------
# The rules (SPEC §5-8)
# ---------------------------------------------------------------------------

# Delay in seconds before attempts 1..7, counted from the previous attempt's failure.
DELAYS = [0, 30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60, 24 * 60 * 60]
MAX_RETRY_AFTER = 24 * 60 * 60
U64 = 2**64 - 1
GAMMA = 0x9E3779B97F4A7C15
DAY = 86_400
T0 = 1_774_866_600  # 2026-03-30T10:30:00Z, the guide's example created_at


def classify(outcome: dict[str, Any]) -> str:
    """2xx -> success, 410 -> gone, everything else -> retryable."""
    if outcome["kind"] == "status":
        code = outcome["code"]
        if 200 <= code <= 299:
            return "success"
        if code == 410:
            return "gone"
    return "retryable"


def honors_retry_after(outcome: dict[str, Any]) -> bool:
    return outcome["kind"] == "status" and outcome["code"] in (429, 503)


def display(outcome: dict[str, Any]) -> str:
    if outcome["kind"] == "status":
        return f"status({outcome['code']})"
    if outcome["kind"] == "timeout":
        return "timeout"
    return f"network_error({outcome['error']})"


def splitmix64(x: int) -> int:
    z = (x + GAMMA) & U64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64
    return z ^ (z >> 31)


def jitter_extra(delay: int, percent: int, attempt: int, seed: int) -> int:
    """Extra seconds in 0..=delay*percent//100, from (seed, attempt)."""
    top = delay * min(percent, 100) // 100
    if top == 0:
        return 0
    return splitmix64((seed + attempt * GAMMA) & U64) % (top + 1)


def next_retry(failed_attempt: int, failed_at: int, outcome: dict[str, Any], retry_after: int | None,
               percent: int = 0, seed: int = 0, delays: list[int] = DELAYS) -> int | None:
    """When the attempt after `failed_attempt` is due; None when no retry follows."""
    if classify(outcome) != "retryable":
        return None
    nxt = failed_attempt + 1
    if nxt > len(delays):
        return None
    delay = delays[nxt - 1]
    wait = delay + jitter_extra(delay, percent, nxt, seed)
    if retry_after is not None and honors_retry_after(outcome):
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return failed_at + wait


_HTTP_DATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def parse_retry_after(value: str, now: int) -> int | None:
    """Delta-seconds (ASCII digits, spaces/tabs around) or an IMF-fixdate; past dates give 0."""
    v = value.strip(" \t")
    if re.fullmatch(r"[0-9]+", v):
        return min(int(v), U64)
    m = _HTTP_DATE.fullmatch(v)
    if not m:
        return None
    _, day, mon, year, hh, mm, ss = m.groups()
    try:
        dt = datetime.datetime(int(year), _MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss))
    except ValueError:
        return None
    return max(calendar.timegm(dt.timetuple()) - now, 0)


def run_timeline(start: int, responses: list[dict[str, Any]], kind: str = "event",
                 percent: int = 0, seed: int = 0) -> dict[str, Any]:
    """Drive one delivery: attempt n is sent when due and completes `duration` seconds later."""
    max_attempts = len(DELAYS) if kind == "event" else 1
    due, attempts = start, []
    for n, resp in enumerate(responses, start=1):
        outcome = resp["outcome"]
        sent = due
        done = sent + resp.get("duration", 0)
        attempts.append({"number": n, "sent_at": sent, "completed_at": done, "outcome": display(outcome)})
        cls = classify(outcome)
        if cls == "success":
            final = {"state": "succeeded", "reason": None, "at": done, "disables_webhook": False}
            break
        if cls == "gone":
            final = {"state": "failed", "reason": "gone", "at": done, "disables_webhook": True}
            break
        if n >= max_attempts:
            final = {"state": "failed", "reason": "exhausted", "at": done, "disables_webhook": False}
            break
        ra = resp.get("retry_after")
        due = next_retry(n, done, outcome, ra, percent, seed)
        assert due is not None
    else:
        raise AssertionError("a timeline case ran out of responses")
    assert len(attempts) == len(responses), "a timeline case has unused responses"
    return {"attempts": attempts, "final": final}


class Health:
    """SPEC §8: the failure run, the auto-disable rule and 410."""

    def __init__(self, after_secs: int, after_failures: int) -> None:
        self.after_secs, self.after_failures = after_secs, after_failures
        self.enabled, self.reason, self.disabled_at = True, None, None
        self.run: dict[str, int] | None = None
        self.last_success: int | None = None

    def rule(self, now: int) -> bool:
        return (self.enabled and self.run is not None and self.run["failed_attempts"] >= self.after_failures
                and now - self.run["started_at"] >= self.after_secs)

    def disable(self, reason: str, at: int) -> str | None:
        if not self.enabled:
            return None
        self.enabled, self.reason, self.disabled_at = False, reason, at
        return reason

    def step(self, step: dict[str, Any]) -> Any:
        op, at = step["op"], step.get("at")
        if op == "success":
            self.last_success = at if self.last_success is None else max(self.last_success, at)
            self.run = None
            return None
        if op == "failure":
            if self.run is None:
                self.run = {"started_at": at, "failed_attempts": 0, "last_failure_at": at}
            self.run["failed_attempts"] += 1
            self.run["last_failure_at"] = max(self.run["last_failure_at"], at)
            if classify(step["outcome"]) == "gone":
                return self.disable("gone", at)
            return self.disable("failure_run", at) if self.rule(at) else None
        if op == "check":
            return self.rule(at)
        if op == "enable":
            was = not self.enabled
            self.enabled, self.reason, self.disabled_at, self.run = True, None, None, None
            return was
        raise AssertionError(op)

    def view(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "reason": self.reason, "disabled_at": self.disabled_at,
                "last_success": self.last_success, "run": dict(self.run) if self.run else None}


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def status(code: int) -> dict[str, Any]:
    return {"kind": "status", "code": code}


TIMEOUT = {"kind": "timeout"}


def net(error: str) -> dict[str, Any]:
    return {"kind": "network_error", "error": error}


def resp(outcome: dict[str, Any], retry_after: int | None = None, duration: int = 0) -> dict[str, Any]:
    r: dict[str, Any] = {"outcome": outcome}
    if retry_after is not None:
        r["retry_after"] = retry_after
    if duration:
        r["duration"] = duration
    return r


def schedule_section() -> dict[str, Any]:
    offsets = [sum(DELAYS[:n]) for n in range(1, len(DELAYS) + 1)]
    assert offsets == [0, 30, 150, 750, 4350, 25950, 112350], offsets  # the stated offsets
    assert sum(DELAYS) == 31 * 3600 + 12 * 60 + 30  # SPEC §6: 31 h 12 min 30 s
    return {
        "attempts": len(DELAYS),
        "delays": DELAYS,
        "offsets": offsets,
        "total_span": sum(DELAYS),
        "max_retry_after": MAX_RETRY_AFTER,
        "delay_before": [{"attempt": a, "expected": DELAYS[a - 1] if 1 <= a <= len(DELAYS) else None}
                         for a in range(0, len(DELAYS) + 3)],
        "next_due": [{"attempt": a, "failed_at": T0, "expected": T0 + DELAYS[a] if a < len(DELAYS) else None}
                     for a in range(0, len(DELAYS) + 2)],
    }


def classify_section() -> list[dict[str, Any]]:
    intended = {
        200: "success", 201: "success", 202: "success", 204: "success", 299: "success",
        100: "retryable", 199: "retryable", 300: "retryable", 301: "retryable", 302: "retryable",
        303: "retryable", 304: "retryable", 307: "retryable", 308: "retryable", 400: "retryable",
        401: "retryable", 403: "retryable", 404: "retryable", 408: "retryable", 409: "retryable",
        410: "gone", 413: "retryable", 429: "retryable", 500: "retryable", 502: "retryable",
        503: "retryable", 504: "retryable", 599: "retryable",
    }
    cases = []
    for code, want in intended.items():
        o = status(code)
        assert classify(o) == want, code
        cases.append({"name": f"status_{code}", "outcome": o, "display": display(o), "class": want,
                      "honors_retry_after": honors_retry_after(o)})
    for name, o in [("timeout", TIMEOUT)] + [(f"network_error_{e}", net(e))
                                             for e in ("dns", "connect", "tls", "io", "protocol", "other")]:
        assert classify(o) == "retryable"
        cases.append({"name": name, "outcome": o, "display": display(o), "class": "retryable",
                      "honors_retry_after": False})
    return cases


def next_retry_section() -> list[dict[str, Any]]:
    t = T0
    # (name, failed_attempt, outcome, retry_after, percent, seed, intended delay or None)
    raw = [
        ("after_attempt_1_500", 1, status(500), None, 0, 0, 30),
        ("after_attempt_2_timeout", 2, TIMEOUT, None, 0, 0, 120),
        ("after_attempt_3_tls", 3, net("tls"), None, 0, 0, 600),
        ("after_attempt_4_redirect", 4, status(302), None, 0, 0, 3600),
        ("after_attempt_5_404", 5, status(404), None, 0, 0, 21600),
        ("after_attempt_6_503", 6, status(503), None, 0, 0, 86400),
        ("after_attempt_7_exhausted", 7, status(500), None, 0, 0, None),
        ("after_success_nothing", 1, status(200), None, 0, 0, None),
        ("after_gone_nothing", 1, status(410), None, 0, 0, None),
        ("retry_after_429_pushes_later", 1, status(429), 90, 0, 0, 90),
        ("retry_after_503_pushes_later", 3, status(503), 7200, 0, 0, 7200),
        ("retry_after_shorter_than_schedule_ignored", 4, status(503), 60, 0, 0, 3600),
        ("retry_after_equal_to_schedule", 2, status(429), 120, 0, 0, 120),
        ("retry_after_zero_ignored", 1, status(429), 0, 0, 0, 30),
        ("retry_after_capped_at_24h", 1, status(429), 200000, 0, 0, 86400),
        ("retry_after_cap_vs_24h_delay", 6, status(503), 999999, 0, 0, 86400),
        ("retry_after_ignored_on_500", 1, status(500), 3600, 0, 0, 30),
        ("retry_after_ignored_on_timeout", 1, TIMEOUT, 3600, 0, 0, 30),
        ("retry_after_ignored_on_302", 1, status(302), 3600, 0, 0, 30),
        ("retry_after_on_last_attempt_nothing", 7, status(503), 60, 0, 0, None),
        ("retry_after_on_410_nothing", 1, status(410), 60, 0, 0, None),
    ]
    cases = []
    for name, a, o, ra, pct, seed, intended in raw:
        got = next_retry(a, t, o, ra, pct, seed)
        assert got == (None if intended is None else t + intended), (name, got)
        cases.append({"name": name, "failed_attempt": a, "failed_at": t, "outcome": o, "retry_after": ra,
                      "jitter_percent": pct, "jitter_seed": seed, "expected": got})
    # Jitter: only ever adds, at most percent of the delay; exact values from the formula.
    for pct in (10, 25, 100):
        for seed in (0, 1, 42, 2**52 + 7):
            for a in (1, 2, 4, 6):
                got = next_retry(a, t, status(500), None, pct, seed)
                assert got is not None
                delay = DELAYS[a]
                assert t + delay <= got <= t + delay + delay * pct // 100
                cases.append({"name": f"jitter_{pct}pct_seed_{seed}_after_{a}", "failed_attempt": a,
                              "failed_at": t, "outcome": status(500), "retry_after": None,
                              "jitter_percent": pct, "jitter_seed": seed, "expected": got})
    # Jitter then Retry-After: the later of the two.
    for ra in (10, 100_000):
        got = next_retry(1, t, status(429), ra, 50, 42)
        assert got is not None and got >= t + min(ra, MAX_RETRY_AFTER) and got >= t + 30
        cases.append({"name": f"jitter_and_retry_after_{ra}", "failed_attempt": 1, "failed_at": t,
                      "outcome": status(429), "retry_after": ra, "jitter_percent": 50, "jitter_seed": 42,
                      "expected": got})
    return cases


def jitter_section() -> dict[str, Any]:
    mix = [{"input": f"0x{x:016x}", "output": f"0x{splitmix64(x):016x}"}
           for x in (0, 1, 42, 0x9E3779B97F4A7C15, U64)]
    assert mix[0]["output"] == "0xe220a8397b1dcdaf"  # the first output of Vigna's splitmix64 seeded 0
    extra = []
    for delay in (0, 30, 120, 86400):
        for pct in (0, 1, 10, 100):
            for attempt in (1, 2, 7):
                for seed in (0, 7, 123456789):
                    e = jitter_extra(delay, pct, attempt, seed)
                    assert 0 <= e <= delay * pct // 100
                    extra.append({"delay": delay, "percent": pct, "attempt": attempt, "seed": seed, "expected": e})
    return {"splitmix64": mix, "extra": extra}


def retry_after_header_section() -> list[dict[str, Any]]:
    now = 784_111_777  # Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example date)
    raw = [
        ("delta_seconds", "120", now, 120),
        ("delta_zero", "0", now, 0),
        ("delta_with_spaces", "  3600\t", now, 3600),
        ("delta_leading_zeros", "0090", now, 90),
        ("delta_large", "99999999999", now, 99999999999),
        ("http_date_now", "Sun, 06 Nov 1994 08:49:37 GMT", now, 0),
        ("http_date_two_minutes", "Sun, 06 Nov 1994 08:51:37 GMT", now, 120),
        ("http_date_next_day", "Mon, 07 Nov 1994 08:49:37 GMT", now, 86400),
        ("http_date_in_past", "Sun, 06 Nov 1994 08:00:00 GMT", now, 0),
        ("negative", "-5", now, None),
        ("fraction", "1.5", now, None),
        ("empty", "", now, None),
        ("words", "soon", now, None),
        ("plus_sign", "+30", now, None),
        ("rfc850_date", "Sunday, 06-Nov-94 08:49:37 GMT", now, None),
        ("asctime_date", "Sun Nov  6 08:49:37 1994", now, None),
        ("utc_not_gmt", "Sun, 06 Nov 1994 08:49:37 UTC", now, None),
        ("one_digit_day", "Sun, 6 Nov 1994 08:49:37 GMT", now, None),
        ("impossible_date", "Sun, 31 Feb 1994 08:49:37 GMT", now, None),
        ("fullwidth_digits", "\uff11\uff12\uff10", now, None),
    ]
    cases = []
    for name, value, n, want in raw:
        got = parse_retry_after(value, n)
        assert got == want, (name, got)
        cases.append({"name": name, "value": value, "now": n, "expected": got})
    return cases


def timelines_section() -> list[dict[str, Any]]:
    cases = []

    def add(name: str, description: str, responses: list[dict[str, Any]], kind: str = "event",
            percent: int = 0, seed: int = 0, intent: dict[str, Any] | None = None) -> None:
        got = run_timeline(T0, responses, kind, percent, seed)
        for key, want in (intent or {}).items():
            have = got["final"][key] if key in got["final"] else [a["sent_at"] - T0 for a in got["attempts"]]
            assert have == want, (name, key, have, want)
        cases.append({"name": name, "description": description, "kind": kind, "start": T0,
                      "jitter_percent": percent, "jitter_seed": seed, "responses": responses,
                      "expected": got})

    fail = resp(status(500))
    add("all_attempts_fail", "Seven 500s: attempts at +0, 30, 150, 750, 4350, 25950, 112350 s, then failed.",
        [fail] * 7, intent={"state": "failed", "reason": "exhausted",
                            "offsets": [0, 30, 150, 750, 4350, 25950, 112350]})
    mixed = [resp(TIMEOUT, duration=10), resp(net("connect")), resp(net("tls")), resp(status(302)),
             resp(status(404), duration=2), resp(status(502), duration=1), resp(TIMEOUT, duration=10)]
    add("all_fail_with_durations_31h",
        "Every kind of failure, with the attempts' own durations: the full ~31 h timeline; "
        "each delay counts from the end of the previous attempt.",
        mixed, intent={"state": "failed", "reason": "exhausted",
                       "offsets": [0, 40, 160, 760, 4360, 25962, 112363]})
    for k in range(1, 8):
        add(f"success_at_attempt_{k}", f"{k - 1} failures, then a 200.",
            [fail] * (k - 1) + [resp(status(200))], intent={"state": "succeeded"})
    for k in range(1, 8):
        add(f"gone_at_attempt_{k}", f"{k - 1} failures, then 410 Gone: failed at once, webhook disabled.",
            [fail] * (k - 1) + [resp(status(410))], intent={"state": "failed", "reason": "gone",
                                                           "disables_webhook": True})
    add("success_204", "Any 2xx is a success.", [resp(status(204))], intent={"state": "succeeded"})
    add("redirects_are_failures", "3xx is not followed: a failure, retried.",
        [resp(status(301)), resp(status(308)), resp(status(200))], intent={"offsets": [0, 30, 150]})
    add("retry_after_429_pushes", "429 with Retry-After 600 after attempt 1: attempt 2 at +600 instead of +30.",
        [resp(status(429), retry_after=600), resp(status(200))], intent={"offsets": [0, 600]})
    add("retry_after_503_shorter_ignored", "503 with Retry-After 5 after attempt 3: the schedule's 10 min stands.",
        [fail, fail, resp(status(503), retry_after=5), resp(status(200))], intent={"offsets": [0, 30, 150, 750]})
    add("retry_after_capped", "429 with Retry-After of 3 days: capped at 24 h.",
        [resp(status(429), retry_after=3 * DAY), resp(status(200))], intent={"offsets": [0, 86400]})
    add("retry_after_on_500_ignored", "Retry-After on a 500 is ignored.",
        [resp(status(500), retry_after=5000), resp(status(200))], intent={"offsets": [0, 30]})
    add("retry_after_every_attempt",
        "A 503 with Retry-After 7200 on every attempt: pushes attempts 2-5, not 6-7 (their delays are longer).",
        [resp(status(503), retry_after=7200)] * 7,
        intent={"offsets": [0, 7200, 14400, 21600, 28800, 50400, 136800], "state": "failed"})
    add("manual_test_one_attempt", "A test send is one attempt: a 500 fails it at once.",
        [fail], kind="test", intent={"state": "failed", "reason": "exhausted"})
    add("manual_replay_one_attempt", "A replay is one attempt, even with Retry-After.",
        [resp(status(503), retry_after=60)], kind="replay", intent={"state": "failed", "reason": "exhausted"})
    add("manual_test_success", "A test send that succeeds.", [resp(status(200))], kind="test",
        intent={"state": "succeeded"})
    add("manual_test_gone", "A 410 on a test send disables the webhook too.", [resp(status(410))], kind="test",
        intent={"state": "failed", "reason": "gone", "disables_webhook": True})
    for seed in (1, 99):
        add(f"jitter_10pct_seed_{seed}", "Jitter 10 %: every attempt at or after the table's offset, never earlier.",
            [fail] * 7, percent=10, seed=seed, intent={"state": "failed"})
    add("jitter_100pct_seed_5", "Jitter 100 %: at most doubles each delay.", [fail] * 7, percent=100, seed=5)
    for c in cases:
        if c["jitter_percent"]:
            sent = [a["sent_at"] - T0 for a in c["expected"]["attempts"]]
            for n in range(1, len(sent)):
                delay = DELAYS[n]
                gap = sent[n] - sent[n - 1]
                assert delay <= gap <= delay + delay * c["jitter_percent"] // 100, (c["name"], n, gap)
    return cases


def health_section() -> list[dict[str, Any]]:
    cases = []

    def add(name: str, description: str, steps: list[dict[str, Any]], after_secs: int = 5 * DAY,
            after_failures: int = 10, intent: dict[str, Any] | None = None) -> None:
        h = Health(after_secs, after_failures)
        out = []
        for s in steps:
            s = dict(s)
            s["expected"] = h.step(s)
            out.append(s)
        view = h.view()
        for key, want in (intent or {}).items():
            assert view[key] == want, (name, key, view[key], want)
        cases.append({"name": name, "description": description,
                      "policy": {"disable_after_secs": after_secs, "disable_after_failures": after_failures},
                      "steps": out, "expected": view})

    def failure(at: int, code: int = 500) -> dict[str, Any]:
        return {"op": "failure", "at": at, "outcome": status(code)}

    def success(at: int) -> dict[str, Any]:
        return {"op": "success", "at": at}

    def check(at: int) -> dict[str, Any]:
        return {"op": "check", "at": at}

    t = T0
    hourly = [failure(t + i * 3600) for i in range(12)]
    add("ten_failures_but_young_run", "12 failures within 11 h: the run is not 5 days old, still enabled.",
        hourly, intent={"enabled": True})
    add("rule_fires_at_exactly_5_days", "10 failures, then one exactly 5 days after the first: disabled.",
        [failure(t + i * 60) for i in range(10)] + [failure(t + 5 * DAY)],
        intent={"enabled": False, "reason": "failure_run", "disabled_at": t + 5 * DAY})
    add("one_second_short", "The 11th failure 1 s before 5 days: still enabled.",
        [failure(t + i * 60) for i in range(10)] + [failure(t + 5 * DAY - 1)], intent={"enabled": True})
    add("old_run_too_few_failures", "9 failures spread over 6 days: too few, still enabled.",
        [failure(t + i * 16 * 3600) for i in range(9)], intent={"enabled": True})
    add("tenth_failure_after_5_days", "The 10th failure arrives 6 days into the run: disabled by it.",
        [failure(t + i * 16 * 3600) for i in range(10)],
        intent={"enabled": False, "reason": "failure_run", "disabled_at": t + 9 * 16 * 3600})
    add("success_resets_the_run", "9 failures, a success, 10 more over 5 days: the run restarts at the 10th.",
        [failure(t + i * 60) for i in range(9)] + [success(t + 3 * DAY)]
        + [failure(t + 3 * DAY + 60 + i * 3600) for i in range(10)] + [check(t + 7 * DAY)],
        intent={"enabled": True, "last_success": t + 3 * DAY})
    add("rule_holds_with_time_alone", "10 failures on day 0; checks on day 4 and day 5 (no new attempt).",
        [failure(t + i * 60) for i in range(10)] + [check(t + 4 * DAY), check(t + 9 * 60 + 5 * DAY),
                                                   check(t + 5 * DAY)],
        intent={"enabled": True})
    add("gone_disables_at_once", "A single 410 disables at once.", [failure(t, 410)],
        intent={"enabled": False, "reason": "gone", "disabled_at": t})
    add("gone_after_run", "Failures, then a 410.", [failure(t), failure(t + 30), failure(t + 150, 410)],
        intent={"enabled": False, "reason": "gone"})
    add("disabled_stays_disabled", "After a 410 more failures do not change the reason.",
        [failure(t, 410)] + [failure(t + DAY * i) for i in range(1, 12)], intent={"reason": "gone"})
    add("enable_resets_the_run", "Auto-disabled, re-enabled: the next failure starts a new run.",
        [failure(t + i * 60) for i in range(10)] + [failure(t + 6 * DAY), {"op": "enable"}, failure(t + 7 * DAY),
                                                   check(t + 8 * DAY)],
        intent={"enabled": True, "run": {"started_at": t + 7 * DAY, "failed_attempts": 1,
                                         "last_failure_at": t + 7 * DAY}})
    add("configured_rule_1_day_3_failures", "A stricter rule: 1 day, 3 failures.",
        [failure(t), failure(t + 3600), failure(t + DAY - 1), failure(t + DAY)], after_secs=DAY,
        after_failures=3, intent={"enabled": False, "disabled_at": t + DAY})
    # The guide's worst case, end to end: a delivery a day to an endpoint that is down.
    daily: list[dict[str, Any]] = []
    for d in range(6):
        daily += [failure(t + d * DAY + off) for off in (0, 30, 150, 750, 4350, 25950, 112350)
                  if d * DAY + off < 6 * DAY]
    daily.sort(key=lambda s: s["at"])
    add("endpoint_down_for_days", "One event a day, every attempt failing: disabled at the first failure "
        "≥ 5 days after the first one.", daily,
        intent={"enabled": False, "reason": "failure_run", "disabled_at": t + 5 * DAY})
    return cases


def build() -> dict[str, str]:
    doc = {
        "version": FORMAT_VERSION,
        "description": (
            "cStar webhooks retry vectors (SPEC §5-8): the schedule, outcome classification, Retry-After, "
            "jitter, delivery timelines and webhook health. Generated by tests/vectors/generate_retry.py; "
            "see tests/vectors/README.md for the format."
        ),
        "schedule": schedule_section(),
        "classify": classify_section(),
        "next_retry": next_retry_section(),
        "jitter": jitter_section(),
        "retry_after_header": retry_after_header_section(),
        "timelines": timelines_section(),
        "health": health_section(),
    }
    return {FILE: json.dumps(doc, indent=2, ensure_ascii=False) + "\n"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is out of date")
    args = parser.parse_args()
    files = build()
    if args.check:
        stale = [name for name, text in files.items()
                 if not (HERE / name).is_file() or (HERE / name).read_bytes() != text.encode("utf-8")]
        for name in stale:
            print(f"{HERE / name} is out of date: run python3 tests/vectors/generate_retry.py", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
