"""Flask helpers: verify ``request.get_data()`` before the view runs.

.. code-block:: python

    from cstar_webhooks import Event
    from cstar_webhooks.flask import webhook_required

    @app.post("/webhooks/cstar")
    @webhook_required(os.environ["CSTAR_WEBHOOK_SECRET"])
    def cstar_webhook(event: Event):
        ...
        return "", 204

On failure the view is not called and the answer is ``400`` with
``{"error": "<code>", "message": "..."}``.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar

from flask import Request, Response, g, jsonify, request

from ._errors import WebhookVerificationError
from ._events import Event
from ._framework import SecretsSource, VerifierFactory, error_body

__all__ = ["webhook_required", "verify_request", "error_response"]

_F = TypeVar("_F", bound=Callable[..., Any])


def verify_request(
    secrets: SecretsSource,
    req: Optional[Request] = None,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
) -> Event:
    """Verifies the current (or given) Flask request and returns its :class:`Event`.

    Raises a :class:`WebhookVerificationError` subclass.
    """
    r = req if req is not None else request
    verifier = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    ).get()
    return verifier.construct_event(r.get_data(cache=True), r.headers.get("X-Signature"))


def error_response(error: WebhookVerificationError) -> Response:
    """The ``400`` answer for a verification error."""
    response = jsonify(error_body(error))
    response.status_code = 400
    return response


def webhook_required(
    secrets: SecretsSource,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
    pass_event: bool = True,
) -> Callable[[_F], _F]:
    """A view decorator: verifies the request, then calls the view with ``event=`` (the
    :class:`Event`; also in ``flask.g.cstar_event``). On failure answers ``400`` with the
    error code and never calls the view. ``secrets`` may be a callable (read per request)."""
    factory = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    )

    def decorator(view: _F) -> _F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                event = factory.get().construct_event(
                    request.get_data(cache=True), request.headers.get("X-Signature")
                )
            except WebhookVerificationError as error:
                return error_response(error)
            g.cstar_event = event
            if pass_event:
                kwargs["event"] = event
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
