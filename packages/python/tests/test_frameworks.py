"""Framework helpers with the real frameworks and their test clients: a failure answers 400
with the code and never calls the view; a success passes the verified event."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List

import pytest

import cstar_webhooks as cw

SECRET = "whsec_frameworks_secret_0123456789ab"
BODY = cw.sample_payload("ticket.created")


def signed_headers(body: bytes = BODY, secret: str = SECRET, **kw: Any) -> Dict[str, str]:
    return cw.generate_test_headers(body, secret, timestamp=kw.pop("timestamp", int(time.time())), **kw)


BAD_REQUESTS = [
    ("missing_signature", lambda: (BODY, {"Content-Type": "application/json"})),
    ("malformed_signature", lambda: (BODY, {**signed_headers(), "X-Signature": "garbage"})),
    ("no_matching_signature", lambda: (BODY, signed_headers(secret="whsec_wrong"))),
    ("no_matching_signature", lambda: (BODY + b"\n", signed_headers())),
    ("timestamp_too_old", lambda: (BODY, signed_headers(timestamp=int(time.time()) - 3600))),
    ("timestamp_in_future", lambda: (BODY, signed_headers(timestamp=int(time.time()) + 3600))),
    ("legacy_not_allowed", lambda: (BODY, {**signed_headers(), "X-Signature": cw.sign_legacy(BODY, SECRET)})),
    ("invalid_payload", lambda: (b"[1,2]", signed_headers(b"[1,2]", event_type="x", event_id="y"))),
]
BAD_IDS = [f"{code}-{i}" for i, (code, _) in enumerate(BAD_REQUESTS)]


# ---------------------------------------------------------------------------------- Flask


def make_flask_app(calls: List[cw.Event]) -> Any:
    from flask import Flask

    from cstar_webhooks.flask import webhook_required

    app = Flask(__name__)

    @app.post("/hook")
    @webhook_required(SECRET, allow_legacy=False)
    def hook(event: cw.Event) -> Any:
        calls.append(event)
        return {"received": event.id, "type": event.type}

    @app.post("/lazy/<name>")
    @webhook_required(lambda: [SECRET], pass_event=False)
    def lazy(name: str) -> Any:
        from flask import g

        calls.append(g.cstar_event)
        return {"name": name}

    return app


def test_flask_success() -> None:
    calls: List[cw.Event] = []
    client = make_flask_app(calls).test_client()
    response = client.post("/hook", data=BODY, headers=signed_headers())
    assert response.status_code == 200
    assert response.get_json() == {"received": json.loads(BODY)["id"], "type": "ticket.created"}
    response = client.post("/lazy/abc", data=BODY, headers=signed_headers())
    assert response.status_code == 200 and response.get_json() == {"name": "abc"}
    assert len(calls) == 2 and calls[1].type == "ticket.created"


@pytest.mark.parametrize(("code", "make"), BAD_REQUESTS, ids=BAD_IDS)
def test_flask_rejects(code: str, make: Any) -> None:
    calls: List[cw.Event] = []
    client = make_flask_app(calls).test_client()
    body, headers = make()
    response = client.post("/hook", data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == code
    assert calls == []


# ------------------------------------------------------------------------ FastAPI / Starlette


def make_fastapi_app(calls: List[cw.Event]) -> Any:
    from fastapi import Depends, FastAPI

    from cstar_webhooks.fastapi import WebhookEvent

    app = FastAPI()
    verified = WebhookEvent(SECRET, allow_legacy=False)

    @app.post("/hook")
    async def hook(event: cw.Event = Depends(verified)) -> Dict[str, str]:
        calls.append(event)
        return {"received": event.id}

    return app


def test_fastapi_success() -> None:
    from fastapi.testclient import TestClient

    calls: List[cw.Event] = []
    client = TestClient(make_fastapi_app(calls))
    response = client.post("/hook", content=BODY, headers=signed_headers())
    assert response.status_code == 200, response.text
    assert response.json() == {"received": json.loads(BODY)["id"]}
    assert len(calls) == 1


@pytest.mark.parametrize(("code", "make"), BAD_REQUESTS, ids=BAD_IDS)
def test_fastapi_rejects(code: str, make: Any) -> None:
    from fastapi.testclient import TestClient

    calls: List[cw.Event] = []
    client = TestClient(make_fastapi_app(calls))
    body, headers = make()
    response = client.post("/hook", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"]["error"] == code
    assert calls == []


def make_starlette_app(calls: List[cw.Event]) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from cstar_webhooks.starlette import verify_request, webhook_endpoint

    @webhook_endpoint(SECRET, allow_legacy=False)
    async def hook(request: Request, event: cw.Event) -> Response:
        calls.append(event)
        return JSONResponse({"received": event.id})

    async def manual(request: Request) -> Response:
        try:
            event = await verify_request(request, SECRET)
        except cw.WebhookVerificationError as e:
            return JSONResponse({"error": e.code}, status_code=401)
        calls.append(event)
        return Response(status_code=204)

    return Starlette(routes=[Route("/hook", hook, methods=["POST"]), Route("/manual", manual, methods=["POST"])])


def test_starlette_success_and_manual_verify() -> None:
    from starlette.testclient import TestClient

    calls: List[cw.Event] = []
    client = TestClient(make_starlette_app(calls))
    assert client.post("/hook", content=BODY, headers=signed_headers()).json()["received"] == calls[0].id
    assert client.post("/manual", content=BODY, headers=signed_headers()).status_code == 204
    response = client.post("/manual", content=BODY, headers=signed_headers(secret="whsec_bad"))
    assert response.status_code == 401 and response.json() == {"error": "no_matching_signature"}
    assert len(calls) == 2


@pytest.mark.parametrize(("code", "make"), BAD_REQUESTS, ids=BAD_IDS)
def test_starlette_rejects(code: str, make: Any) -> None:
    from starlette.testclient import TestClient

    calls: List[cw.Event] = []
    client = TestClient(make_starlette_app(calls))
    body, headers = make()
    response = client.post("/hook", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["error"] == code
    assert calls == []


# --------------------------------------------------------------------------------- Django

DJANGO_CALLS: List[cw.Event] = []


def _django_setup() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="tests-only",
            ROOT_URLCONF=__name__,
            ALLOWED_HOSTS=["testserver"],
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
            INSTALLED_APPS=[],
            CSTAR_WEBHOOK_SECRET=SECRET,
        )
        django.setup()


def _django_urls() -> List[Any]:
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    from cstar_webhooks.django import webhook_view

    @webhook_view(lambda: settings.CSTAR_WEBHOOK_SECRET, allow_legacy=False)
    def hook(request: HttpRequest, event: cw.Event, slug: str) -> HttpResponse:
        DJANGO_CALLS.append(event)
        return HttpResponse(json.dumps({"received": event.id, "slug": slug}), content_type="application/json")

    return [path("hook/<slug:slug>", hook)]


_django_setup()
urlpatterns = _django_urls()


def test_django_success_with_csrf_enforced() -> None:
    from django.test import Client

    DJANGO_CALLS.clear()
    client = Client(enforce_csrf_checks=True)
    headers = signed_headers()
    headers.pop("Content-Type")
    response = client.post("/hook/abc", data=BODY, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert json.loads(response.content) == {"received": json.loads(BODY)["id"], "slug": "abc"}
    assert len(DJANGO_CALLS) == 1


@pytest.mark.parametrize(("code", "make"), BAD_REQUESTS, ids=BAD_IDS)
def test_django_rejects(code: str, make: Any) -> None:
    from django.test import Client

    DJANGO_CALLS.clear()
    body, headers = make()
    headers.pop("Content-Type", None)
    response = Client().post("/hook/x", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == code
    assert DJANGO_CALLS == []
