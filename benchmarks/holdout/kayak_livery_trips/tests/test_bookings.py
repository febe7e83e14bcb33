"""Booking flow tests: SQLite database, Stripe mocked."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from unittest import mock

import pytest
import stripe

from livery import create_app, db
from livery.models import Booking, Customer, Trip

TEST_PASSWORD = "paddle-hard-2024!"  # ok: SEC005
stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005


@pytest.fixture
def app():
    with mock.patch("livery._start_scheduler"):
        app = create_app("test")
    with app.app_context():
        db.create_all()
        yield app
        db.drop_all()


@pytest.fixture
def customer(app):
    c = Customer(email="river@example.com", full_name="River Tester", stripe_customer_id="cus_test")
    c.set_password(TEST_PASSWORD)
    db.session.add(c)
    db.session.commit()
    return c


@pytest.fixture
def trip(app):
    t = Trip(name="Lower Gorge", river_section="Lower Gorge", gauge_id="03465500",
             departs_at=datetime.now(timezone.utc) + timedelta(days=3),
             capacity=10, seats_booked=8, price_cents=6500)
    db.session.add(t)
    db.session.commit()
    return t


@pytest.fixture
def client(app, customer):
    client = app.test_client()
    resp = client.post("/auth/login", json={"email": customer.email, "password": TEST_PASSWORD})
    assert resp.status_code == 200
    return client


def _intent(**_kwargs):
    return SimpleNamespace(id="pi_test_123", status="succeeded")


def test_group_booking_is_idempotent(client, trip):
    headers = {"Idempotency-Key": "abc-123"}
    body = {"party_size": 2, "payment_method": "pm_card_visa"}
    with mock.patch("stripe.PaymentIntent.create", side_effect=_intent) as create:
        first = client.post(f"/trips/{trip.id}/group-bookings", json=body, headers=headers)
        second = client.post(f"/trips/{trip.id}/group-bookings", json=body, headers=headers)
    assert first.status_code == 201
    assert second.get_json()["id"] == first.get_json()["id"]
    assert create.call_count == 1
    assert db.session.get(Trip, trip.id).seats_booked == 10


def test_group_booking_sold_out(client, trip):
    body = {"party_size": 3, "payment_method": "pm_card_visa"}
    with mock.patch("stripe.PaymentIntent.create") as create:
        resp = client.post(f"/trips/{trip.id}/group-bookings", json=body,
                           headers={"Idempotency-Key": "k-2"})
    assert resp.status_code == 409
    create.assert_not_called()
    assert Booking.query.count() == 0
