"""Tests for charging call-out fees and the PartnerPay webhook."""
import hashlib
import hmac
import json
import os
import time
from unittest import mock

import pytest

os.environ.setdefault("PARTNER_PAY_BASE_URL", "https://partnerpay.test/v1")

from callouts import create_app  # noqa: E402
from callouts.auth import hash_password, issue_token  # noqa: E402
from callouts.config import TestConfig  # noqa: E402
from callouts.models import Callout, Customer, Payment, db  # noqa: E402

CUSTOMER_PASSWORD = "correct-horse-battery-staple"  # ok: SEC005
WEBHOOK_SECRET = "test-webhook-secret"  # ok: SEC005


@pytest.fixture()
def app():
    with mock.patch("callouts.BackgroundScheduler"):
        app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        customer = Customer(email="sam@example.com", name="Sam Lee", phone="+447700900123",
                            password_hash=hash_password(CUSTOMER_PASSWORD))
        db.session.add(customer)
        db.session.flush()
        db.session.add(Callout(customer_id=customer.id, address="1 High St", city="Leeds",
                               lockout_type="house", status="completed", fee_cents=8900))
        db.session.commit()
        yield app
        db.drop_all()


@pytest.fixture()
def client(app):
    return app.test_client()


def _auth(app, customer_id=1):
    with app.app_context():
        return {"Authorization": f"Bearer {issue_token(customer_id, 'customer')}"}


def _fake_response(status, body):
    resp = mock.Mock(status_code=status)
    resp.json.return_value = body
    resp.raise_for_status.return_value = None
    return resp


def test_pay_creates_payment_and_invoice(app, client):
    charge = _fake_response(200, {"id": "ch_123", "amount": 8900, "status": "succeeded"})
    with mock.patch("callouts.services.payments.requests.post", return_value=charge):
        resp = client.post("/api/callouts/1/pay", json={"card_token": "tok_visa"}, headers=_auth(app))
    assert resp.status_code == 201
    assert resp.get_json()["invoice"] == "LS-00000001"


def test_pay_declined_returns_402(app, client):
    declined = _fake_response(402, {"decline_reason": "insufficient_funds"})
    with mock.patch("callouts.services.payments.requests.post", return_value=declined):
        resp = client.post("/api/callouts/1/pay", json={"card_token": "tok_visa"}, headers=_auth(app))
    assert resp.status_code == 402


def test_webhook_marks_payment_disputed(app, client):
    with app.app_context():
        db.session.add(Payment(callout_id=1, amount_cents=8900, partner_charge_id="ch_9", status="succeeded"))
        db.session.commit()
    body = json.dumps({"id": "evt_1", "type": "charge.disputed", "data": {"charge_id": "ch_9"}}).encode()
    ts = int(time.time())
    sig = hmac.new(WEBHOOK_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    resp = client.post("/webhooks/partnerpay", data=body,
                       headers={"PartnerPay-Signature": f"t={ts},v1={sig}", "Content-Type": "application/json"})
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(Payment.status)).scalar_one() == "disputed"
