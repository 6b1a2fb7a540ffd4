"""FastAPI helper: a dependency that verifies ``await request.body()``.

.. code-block:: python

    from typing import Annotated
    from fastapi import Depends, FastAPI
    from cstar_webhooks import Event
    from cstar_webhooks.fastapi import WebhookEvent

    verified = WebhookEvent(os.environ["CSTAR_WEBHOOK_SECRET"])

    @app.post("/webhooks/cstar", status_code=204)
    async def cstar_webhook(event: Annotated[Event, Depends(verified)]) -> None:
        ...

On failure the endpoint is not called and the answer is ``400`` with
``{"detail": {"error": "<code>", "message": "..."}}`` (FastAPI's ``HTTPException`` shape).
"""

from __future__ import annotations

from typing import Optional

from fastapi import HTTPException, Request

from ._errors import WebhookVerificationError
from ._events import Event
from ._framework import SecretsSource, VerifierFactory, error_body

__all__ = ["WebhookEvent"]


class WebhookEvent:
    """A FastAPI dependency returning the verified :class:`Event`, or answering ``400``."""

    def __init__(
        self,
        secrets: SecretsSource,
        *,
        tolerance: Optional[int] = None,
        max_age: Optional[int] = None,
        max_future: Optional[int] = None,
        allow_legacy: Optional[bool] = None,
    ) -> None:
        self._factory = VerifierFactory(
            secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
        )

    def __repr__(self) -> str:
        return "WebhookEvent(secrets=<redacted>)"

    async def __call__(self, request: Request) -> Event:
        body = await request.body()
        try:
            return self._factory.get().construct_event(body, request.headers.get("x-signature"))
        except WebhookVerificationError as error:
            raise HTTPException(status_code=400, detail=error_body(error)) from None
