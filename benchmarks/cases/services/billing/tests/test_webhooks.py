"""Tests for the Stripe refund webhook: signature checks and duplicate deliveries."""
import json
import time

import pytest
import stripe
from fastapi.testclient import TestClient

from billing.api import app

WEBHOOK_SECRET = "whsec_test_8c1b2a3d4e5f60718293a4b5c6d7e8f9"  # ok: SEC005


def _signed(payload: dict, secret: str = WEBHOOK_SECRET):
    body = json.dumps(payload)
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret)
    return body, f"t={timestamp},v1={signature}"


@pytest.fixture()
def client(monkeypatch):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return TestClient(app)


def _refund_event(event_id="evt_test_1"):
    return {
        "id": event_id,
        "object": "event",
        "type": "charge.refunded",
        "data": {"object": {"id": "ch_test_1", "amount_refunded": 500}},
    }


def test_rejects_bad_signature(client):
    body, _ = _signed(_refund_event())
    resp = client.post("/webhooks/stripe/refunds", content=body, headers={"Stripe-Signature": "t=1,v1=bad"})
    assert resp.status_code == 400  # ok: SEC017


def test_duplicate_delivery_is_acknowledged_once(client):
    body, signature = _signed(_refund_event("evt_dup"))
    first = client.post("/webhooks/stripe/refunds", content=body, headers={"Stripe-Signature": signature})
    second = client.post("/webhooks/stripe/refunds", content=body, headers={"Stripe-Signature": signature})
    assert first.json() == {"received": True}  # ok: SEC017
    assert second.json() == {"received": True, "duplicate": True}
