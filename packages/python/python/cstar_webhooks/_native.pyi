# Stubs for the private native module (bindings/python, pyo3). Checked against the built
# module by `python -m mypy.stubtest cstar_webhooks._native` in packages/python/test.sh.
from typing import Literal, Optional, Sequence, Union, final

from typing_extensions import disjoint_base

__all__ = [
    "VERIFY_ERROR_CODES",
    "CAUSE_CODES",
    "DEFAULT_TOLERANCE",
    "CORE_VERSION",
    "Verified",
    "Verifier",
    "NativeEvent",
    "verify",
    "construct_native_event",
    "parse_event",
    "event_from_value",
    "flatten",
    "sample_event",
    "sample_payload",
    "catalog",
    "event_type_info",
    "families",
    "sign",
    "sign_legacy",
    "delivery_header_pairs",
    "webhook_headers",
    "header_names",
    "diagnose",
    "retry_schedule",
    "retry_total_span",
]

_Secrets = Union[str, Sequence[str]]
_Body = Union[bytes, bytearray, memoryview]

VERIFY_ERROR_CODES: tuple[str, ...]
CAUSE_CODES: tuple[str, ...]
DEFAULT_TOLERANCE: int
CORE_VERSION: str

@final
class Verified:
    """The result of a successful verification."""

    @property
    def scheme(self) -> Literal["v1", "legacy"]: ...
    @property
    def timestamp(self) -> Optional[int]: ...
    @property
    def secret_index(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@disjoint_base
class Verifier:
    def __new__(
        cls,
        secrets: _Secrets,
        *,
        tolerance: Optional[int] = None,
        max_age: Optional[int] = None,
        max_future: Optional[int] = None,
        allow_legacy: Optional[bool] = None,
    ) -> "Verifier": ...
    def verify(self, payload: _Body, header: Optional[str], *, now: Optional[int] = None) -> Verified: ...
    def construct_native_event(
        self, payload: _Body, header: Optional[str], *, now: Optional[int] = None
    ) -> NativeEvent: ...
    @property
    def max_age(self) -> int: ...
    @property
    def max_future(self) -> int: ...
    @property
    def allow_legacy(self) -> bool: ...
    @property
    def secret_count(self) -> int: ...

@final
class NativeEvent:
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def team_id(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def known_type(self) -> bool: ...
    def raw(self) -> dict[str, object]: ...
    def fields(self) -> tuple[str, str, str, str, str, bool, dict[str, object]]: ...
    def to_json(self) -> str: ...
    def typed_parts(self) -> tuple[str, dict[str, Optional[dict[str, object]]]]: ...

def verify(
    payload: _Body,
    header: Optional[str],
    secrets: _Secrets,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
    now: Optional[int] = None,
) -> Verified: ...
def construct_native_event(
    payload: _Body,
    header: Optional[str],
    secrets: _Secrets,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
    now: Optional[int] = None,
) -> NativeEvent: ...
def parse_event(payload: _Body) -> NativeEvent: ...
def event_from_value(value: object) -> NativeEvent: ...
def flatten(payload: object) -> dict[str, object]: ...
def sample_event(event_type: str) -> NativeEvent: ...
def sample_payload(event_type: str, *, flat: bool = False) -> bytes: ...
def catalog() -> list[tuple[str, str, str]]: ...
def event_type_info(event_type: str) -> tuple[str, str, str, bool]: ...
def families() -> list[tuple[str, str, str]]: ...
def sign(payload: _Body, secrets: _Secrets, *, timestamp: Optional[int] = None) -> str: ...
def sign_legacy(payload: _Body, secret: str) -> str: ...
def delivery_header_pairs(
    payload: _Body,
    secrets: _Secrets,
    *,
    event_type: Optional[str] = None,
    event_id: Optional[str] = None,
    webhook_id: Optional[str] = None,
    attempt: Optional[int] = None,
    timestamp: Optional[int] = None,
) -> list[tuple[str, str]]: ...
def webhook_headers(
    pairs: Sequence[tuple[str, str]],
) -> tuple[
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[int],
    Optional[int],
]: ...
def header_names() -> list[str]: ...
def diagnose(
    payload: _Body,
    header: Optional[str],
    secrets: _Secrets,
    *,
    now: Optional[int] = None,
) -> tuple[Optional[Verified], Optional[str], Optional[str], list[tuple[str, str, Optional[int]]]]: ...
def retry_schedule() -> list[int]: ...
def retry_total_span() -> int: ...
