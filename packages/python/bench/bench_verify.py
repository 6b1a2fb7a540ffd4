"""Verify throughput: cstar-webhooks vs stripe-python, standardwebhooks, svix and stdlib hmac.

Run (not part of the tests):

    bash packages/python/test.sh            # builds and installs the package into .venv
    packages/python/.venv/bin/pip install -r packages/python/requirements-bench.txt -c packages/python/constraints.txt
    packages/python/.venv/bin/python packages/python/bench/bench_verify.py

Every implementation verifies a valid, freshly signed request over the same 1 KiB and 64 KiB
JSON bodies in one run; each result is the best of several repeats (time per call). Ratios
are "peer time / our time" (> 1 means we are faster).

What each one does per call (their documented verify paths):
- ours ``verify``: module function; parses the header, checks the timestamp, HMAC-SHA256
  over ``t.body``, constant-time compare (Rust core through pyo3).
- ours ``Verifier.verify``: the same with the secret's HMAC key prepared once.
- ours ``construct_event``: verify, then parse the body into an ``Event``.
- stripe ``WebhookSignature.verify_header``: the same scheme (byte-compatible), in Python.
- standardwebhooks / svix ``Webhook.verify``: their scheme (``id.t.body``, base64), then
  ``json.loads`` of the body (part of their verify).
- stdlib: a minimal hand-written ``hmac``/``hashlib`` verifier of our scheme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import platform
import sys
import time
import timeit
from typing import Callable, Dict, List, Optional

import cstar_webhooks as cw

SECRET = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8"
SW_SECRET = "whsec_" + base64.b64encode(b"benchmark-secret-0123456789abcdef").decode()


def make_body(size: int) -> bytes:
    base = json.loads(cw.sample_payload("ticket.created"))
    base["data"]["ticket"]["description"] = ""
    text = json.dumps(base, separators=(",", ":"))
    pad = size - len(text.encode())
    base["data"]["ticket"]["description"] = "x" * pad
    body = json.dumps(base, separators=(",", ":")).encode()
    assert len(body) == size, (len(body), size)
    return body


def stdlib_verify(body: bytes, header: str, secret: str, tolerance: int = 300) -> int:
    """A careful minimal verifier of the v1 scheme with the standard library only."""
    t: Optional[int] = None
    sigs: List[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            t = int(value)
        elif key == "v1":
            sigs.append(value)
    if t is None or not sigs:
        raise ValueError("malformed")
    if abs(int(time.time()) - t) > tolerance:
        raise ValueError("timestamp")
    expected = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s.lower()) for s in sigs):
        raise ValueError("no match")
    return t


def candidates(body: bytes) -> Dict[str, Callable[[], object]]:
    now = int(time.time())
    header = cw.sign(body, SECRET, timestamp=now)
    verifier = cw.Verifier(SECRET)
    out: Dict[str, Callable[[], object]] = {
        "cstar verify": lambda: cw.verify(body, header, SECRET),
        "cstar Verifier.verify": lambda: verifier.verify(body, header),
        "cstar construct_event": lambda: cw.construct_event(body, header, SECRET),
        "stdlib hmac": lambda: stdlib_verify(body, header, SECRET),
    }
    try:
        import stripe

        out["stripe verify_header"] = lambda: stripe.WebhookSignature.verify_header(body, header, SECRET, 300)
    except ImportError:
        print("(stripe not installed: skipped)", file=sys.stderr)
    sw_headers: Optional[Dict[str, str]] = None
    try:
        import standardwebhooks

        sw = standardwebhooks.Webhook(SW_SECRET)
        msg_id = "msg_bench"
        from datetime import datetime, timezone

        stamp = datetime.fromtimestamp(now, tz=timezone.utc)
        sw_headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(now),
            "webhook-signature": sw.sign(msg_id, stamp, body.decode()),
        }
        h = sw_headers
        out["standardwebhooks verify"] = lambda: sw.verify(body, h)
    except ImportError:
        print("(standardwebhooks not installed: skipped)", file=sys.stderr)
    try:
        from svix.webhooks import Webhook as SvixWebhook

        svix = SvixWebhook(SW_SECRET)
        if sw_headers is not None:
            sh = {k.replace("webhook-", "svix-"): v for k, v in sw_headers.items()}
            out["svix verify"] = lambda: svix.verify(body, sh)
    except ImportError:
        print("(svix not installed: skipped)", file=sys.stderr)
    for name, fn in out.items():
        fn()  # every candidate must accept the request before it is timed
        assert name
    return out


def measure(fns: Dict[str, Callable[[], object]], rounds: int = 7, budget: float = 0.05) -> Dict[str, float]:
    """Best time per call of each function, measured interleaved (round-robin over the
    candidates, `rounds` times) so that load changes on a shared machine hit all alike."""
    timers = {name: timeit.Timer(fn) for name, fn in fns.items()}
    numbers = {}
    for name, timer in timers.items():
        number, elapsed = timer.autorange()
        numbers[name] = max(1, int(number * budget / max(elapsed, 1e-9)))
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name])
    return best


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, cstar-webhooks {cw.__version__}")
    print("best of 7 interleaved rounds; ratio = time / (cstar verify time), > 1 means slower than ours")
    for label, size in (("1 KiB", 1024), ("64 KiB", 64 * 1024)):
        body = make_body(size)
        best = measure(candidates(body))
        ours = best["cstar verify"]
        print(f"\n{label} body")
        print(f"  {'implementation':28} {'µs/call':>10} {'calls/s':>12} {'vs ours':>9}")
        for name, t in best.items():
            print(f"  {name:28} {t * 1e6:10.2f} {1 / t:12,.0f} {t / ours:8.2f}x")


if __name__ == "__main__":
    main()
