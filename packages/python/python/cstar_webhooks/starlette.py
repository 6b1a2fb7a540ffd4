"""Starlette helpers: verify ``await request.body()`` before the endpoint runs.

.. code-block:: python

    from cstar_webhooks.starlette import webhook_endpoint

    @webhook_endpoint(SECRET)
    async def cstar_webhook(request: Request, event: Event) -> Response:
        return Response(status_code=204)

    app = Starlette(routes=[Route("/webhooks/cstar", cstar_webhook, methods=["POST"])])

On failure the endpoint is not called and the answer is ``400`` with
``{"error": "<code>", "message": "..."}``. For FastAPI see ``cstar_webhooks.fastapi``.
"""

from __future__ import annotations

import functools
from typing import Awaitable, Callable, Optional

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._errors import WebhookVerificationError
from ._events import Event
from ._framework import SecretsSource, VerifierFactory, error_body

__all__ = ["verify_request", "webhook_endpoint", "error_response"]


async def verify_request(
    request: Request,
    secrets: SecretsSource,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
) -> Event:
    """Verifies a Starlette request and returns its :class:`Event`.

    Raises a :class:`WebhookVerificationError` subclass.
    """
    verifier = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    ).get()
    return verifier.construct_event(await request.body(), request.headers.get("x-signature"))


def error_response(error: WebhookVerificationError) -> JSONResponse:
    """The ``400`` answer for a verification error."""
    return JSONResponse(error_body(error), status_code=400)


def webhook_endpoint(
    secrets: SecretsSource,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
) -> Callable[[Callable[[Request, Event], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """Turns ``async def endpoint(request, event)`` into a Starlette endpoint that verifies
    first and answers ``400`` with the error code (without calling it) on failure."""
    factory = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    )

    def decorator(
        endpoint: Callable[[Request, Event], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            body = await request.body()
            try:
                event = factory.get().construct_event(body, request.headers.get("x-signature"))
            except WebhookVerificationError as error:
                return error_response(error)
            return await endpoint(request, event)

        return wrapper

    return decorator
