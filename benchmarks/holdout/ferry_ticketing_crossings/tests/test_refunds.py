"""Tests for refunds and staff login. Run with: pytest -q"""
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from werkzeug.security import generate_password_hash

from ferry import create_app, db
from ferry.models import Booking, Refund, Sailing, User
from ferry.refund_worker import refund_one

STAFF_EMAIL = "harbourmaster@example.test"
STAFF_PASSWORD = "harbourmaster-test-pw"  # ok: SEC005


@pytest.fixture
def app():
    app = create_app("ferry.config.TestConfig")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def booking(app):
    staff = User(email=STAFF_EMAIL, full_name="Test Harbourmaster",
                 password_hash=generate_password_hash(STAFF_PASSWORD), is_staff=True)
    sailing = Sailing(route_code="OBN-CRA", origin_port="OBN", vessel_name="MV Test",
                      departs_at=datetime.now(timezone.utc) + timedelta(days=1), status="cancelled",
                      foot_capacity=100, lane_metres_capacity=Decimal("120.0"), lane_metres_booked=Decimal("0"))
    db.session.add_all([staff, sailing])
    db.session.flush()
    booking = Booking(reference="ABC123DEF0", user_id=staff.id, sailing_id=sailing.id, kind="foot",
                      passengers=2, amount_pence=2500, status="confirmed", payment_intent_id="pi_test_1")
    db.session.add(booking)
    db.session.commit()
    return booking


def test_refund_passes_idempotency_key(booking):
    fake_refund = SimpleNamespace(id="re_test_1", amount=2500)
    with mock.patch("stripe.Refund.create", return_value=fake_refund) as create:
        refund_one(booking)
    assert create.call_args.kwargs["idempotency_key"] == f"sailing-cancel-refund-{booking.id}"
    assert booking.status == "refunded"
    assert db.session.query(Refund).filter_by(booking_id=booking.id).count() == 1


def test_staff_can_log_in(app, booking):
    client = app.test_client()
    resp = client.post("/api/auth/login", json={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert resp.status_code == 200
    assert resp.get_json()["user"]["is_staff"] is True


def test_wrong_password_is_rejected(app, booking):
    client = app.test_client()
    resp = client.post("/api/auth/login", json={"email": STAFF_EMAIL, "password": "not-it"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_credentials"
