"""Django helper: a view decorator that verifies ``request.body``.

.. code-block:: python

    from django.conf import settings
    from django.http import HttpResponse
    from cstar_webhooks.django import webhook_view

    @webhook_view(lambda: settings.CSTAR_WEBHOOK_SECRET)
    def cstar_webhook(request, event):
        ...
        return HttpResponse(status=204)

The decorated view is CSRF-exempt (cStar cannot send a CSRF token). On failure the view is
not called and the answer is ``400`` with ``{"error": "<code>", "message": "..."}``.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ._errors import WebhookVerificationError
from ._events import Event
from ._framework import SecretsSource, VerifierFactory, error_body

__all__ = ["webhook_view", "verify_request", "error_response"]

View = Callable[..., HttpResponse]


def verify_request(
    request: HttpRequest,
    secrets: SecretsSource,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
) -> Event:
    """Verifies a Django request and returns its :class:`Event`.

    Raises a :class:`WebhookVerificationError` subclass.
    """
    verifier = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    ).get()
    return verifier.construct_event(request.body, request.headers.get("X-Signature"))


def error_response(error: WebhookVerificationError) -> JsonResponse:
    """The ``400`` answer for a verification error."""
    return JsonResponse(error_body(error), status=400)


def webhook_view(
    secrets: SecretsSource,
    *,
    tolerance: Optional[int] = None,
    max_age: Optional[int] = None,
    max_future: Optional[int] = None,
    allow_legacy: Optional[bool] = None,
) -> Callable[[View], View]:
    """Verifies the request, then calls ``view(request, event, *args, **kwargs)``; on
    failure answers ``400`` with the error code and never calls the view. The result is
    CSRF-exempt. ``secrets`` may be a callable (read per request, e.g. from settings)."""
    factory = VerifierFactory(
        secrets, tolerance=tolerance, max_age=max_age, max_future=max_future, allow_legacy=allow_legacy
    )

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                event = factory.get().construct_event(request.body, request.headers.get("X-Signature"))
            except WebhookVerificationError as error:
                return error_response(error)
            return view(request, event, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator
