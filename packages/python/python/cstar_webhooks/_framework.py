"""What the framework helpers share: building the verifier and the 400 answer."""

from __future__ import annotations

from typing import Callable, Dict, Optional, Sequence, Union

from . import Verifier
from ._errors import WebhookVerificationError

#: Secrets, or a callable returning them (read per request, e.g. from settings).
SecretsSource = Union[str, Sequence[str], Callable[[], Union[str, Sequence[str]]]]


class VerifierFactory:
    """A verifier built once for fixed secrets, or per request for a callable."""

    def __init__(
        self,
        secrets: SecretsSource,
        *,
        tolerance: Optional[int] = None,
        max_age: Optional[int] = None,
        max_future: Optional[int] = None,
        allow_legacy: Optional[bool] = None,
    ) -> None:
        self._secrets = secrets
        self._options = dict(tolerance=tolerance, max_age=max_age, max_future=max_future)
        self._allow_legacy = allow_legacy
        self._fixed: Optional[Verifier] = None if callable(secrets) else self._build(secrets)

    def _build(self, secrets: Union[str, Sequence[str]]) -> Verifier:
        return Verifier(
            secrets,
            tolerance=self._options["tolerance"],
            max_age=self._options["max_age"],
            max_future=self._options["max_future"],
            allow_legacy=self._allow_legacy,
        )

    def get(self) -> Verifier:
        if self._fixed is not None:
            return self._fixed
        source = self._secrets
        assert callable(source)
        return self._build(source())


def error_body(error: WebhookVerificationError) -> Dict[str, str]:
    """The JSON body of the 400 answer: ``{"error": code, "message": text}``."""
    return {"error": error.code, "message": error.message}
