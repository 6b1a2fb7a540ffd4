"""Shared helpers: the repository's test vectors (tests/vectors, the contract in data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors"


def load_vectors(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    assert data["version"] == 1, f"{name}: unsupported vectors version {data['version']}"
    return data


def raw_body(case: Dict[str, Any]) -> bytes:
    """The raw body of a case: exactly one of body / body_hex / body_repeat."""
    present = [k for k in ("body", "body_hex", "body_repeat") if k in case]
    assert len(present) == 1, f"{case['name']}: expected exactly one body field, got {present}"
    if "body" in case:
        return str(case["body"]).encode("utf-8")
    if "body_hex" in case:
        return bytes.fromhex(case["body_hex"])
    rep = case["body_repeat"]
    return str(rep["pattern"]).encode("utf-8") * int(rep["count"])
