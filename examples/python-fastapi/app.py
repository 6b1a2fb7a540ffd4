"""A complete cStar webhook receiver with FastAPI. Copy this file and adapt `handle_*`.

Run:
    pip install "cstar-webhooks[fastapi]" uvicorn
    CSTAR_WEBHOOK_SECRET=whsec_... uvicorn app:app --port 8000

During a secret rotation set CSTAR_WEBHOOK_SECRET to "new,old": both verify, and the log
shows which one matched, so you know when the old one is no longer used.
"""

from __future__ import annotations

import logging
import os
from typing import Callable, Dict, List

from fastapi import Depends, FastAPI, Request, Response

import cstar_webhooks
from cstar_webhooks import Event
from cstar_webhooks.fastapi import WebhookEvent

log = logging.getLogger("cstar.webhooks")


def secrets() -> List[str]:
    """Read per request, so a rotation needs no restart."""
    value = os.environ.get("CSTAR_WEBHOOK_SECRET", "")
    return [s.strip() for s in value.split(",") if s.strip()]


verified_event = WebhookEvent(secrets)  # 400 {"detail": {"error": code, ...}} on failure
dedupe = cstar_webhooks.Idempotency()  # in-memory; use a Redis/SQL IdempotencyStore with several workers
app = FastAPI(title="cStar webhook receiver")
processed: List[str] = []  # what this demo "did" (inspected by the test)


def handle_ticket(event: Event) -> None:
    data = event.typed_data()
    assert isinstance(data, cstar_webhooks.TicketData)
    who = data.customer.email if data.customer else data.ticket.customer_id
    processed.append(f"{event.type} {data.ticket.prefixed_id} ({data.ticket.status}) from {who}")


def handle_customer(event: Event) -> None:
    data = event.typed_data()
    assert isinstance(data, cstar_webhooks.CustomerData)
    processed.append(f"{event.type} {data.customer.email}")


def handle_other(event: Event) -> None:
    # Articles, gamification and types newer than this SDK: the raw JSON is always there.
    processed.append(f"{event.type} {sorted(event.data)}")


HANDLERS: Dict[str, Callable[[Event], None]] = {"tickets": handle_ticket, "customers": handle_customer}


@app.post("/webhooks/cstar", status_code=204)
async def cstar_webhook(request: Request, event: Event = Depends(verified_event)) -> Response:
    headers = cstar_webhooks.parse_headers(request.headers)
    with dedupe.once(event) as first:  # an exception below releases the id: the retry is processed
        if first:
            HANDLERS.get(event.family, handle_other)(event)
            log.info("processed %s %s (attempt %s)", event.type, event.id, headers.attempt)
        else:
            log.info("duplicate %s ignored", event.id)
    # Answer 2xx quickly (within 10 s), duplicates included: anything else is retried.
    return Response(status_code=204)
