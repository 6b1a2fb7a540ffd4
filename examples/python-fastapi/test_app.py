"""The example receiver, end to end with FastAPI's test client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import app as receiver
import cstar_webhooks

SECRET = "whsec_example_receiver_secret_01234"


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("CSTAR_WEBHOOK_SECRET", f"{SECRET}, whsec_old_secret")
    receiver.processed.clear()
    receiver.dedupe = cstar_webhooks.Idempotency()
    return TestClient(receiver.app)


def test_every_sample_type_is_processed_once(client: TestClient) -> None:
    for event_type in cstar_webhooks.EVENT_TYPES:
        body = cstar_webhooks.sample_payload(event_type)
        headers = cstar_webhooks.generate_test_headers(body, SECRET)
        assert client.post("/webhooks/cstar", content=body, headers=headers).status_code == 204
        # A redelivery (new signature, same event id) is acknowledged but not processed again.
        retry = cstar_webhooks.generate_test_headers(body, SECRET, attempt=2)
        assert client.post("/webhooks/cstar", content=body, headers=retry).status_code == 204
    assert len(receiver.processed) == len(cstar_webhooks.EVENT_TYPES)
    assert receiver.processed[0] == "ticket.created CST-1024 (new) from casey@example.com"


def test_old_secret_still_verifies_during_rotation(client: TestClient) -> None:
    body = cstar_webhooks.sample_payload("customer.created")
    headers = cstar_webhooks.generate_test_headers(body, "whsec_old_secret")
    assert client.post("/webhooks/cstar", content=body, headers=headers).status_code == 204


def test_bad_signature_is_rejected_without_processing(client: TestClient) -> None:
    body = cstar_webhooks.sample_payload()
    headers = cstar_webhooks.generate_test_headers(body, "whsec_attacker")
    response = client.post("/webhooks/cstar", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"]["error"] == "no_matching_signature"
    assert receiver.processed == []
