"""Tests for seat booking: surcharges, weight limits and the booking endpoint."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.security import generate_password_hash

from charter import create_app, scheduler
from charter.booking_service import BookingError, baggage_surcharge_cents, book_seats
from charter.models import Flight, User, db, utcnow

TEST_PASSWORD = "float-plane-test-pw"  # ok: SEC005


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("CHARTER_SECRET_KEY", "unit-test-secret")  # ok: SEC005
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_dummy")  # ok: SEC005
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_dummy")
    app = create_app({"TESTING": True, "DEBUG": True, "WTF_CSRF_ENABLED": False,  # ok: SEC006, SEC014
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        db.create_all()
        yield app
        db.drop_all()
    scheduler.shutdown(wait=False)


@pytest.fixture
def flight(app):
    f = Flight(code="SPX-0412", tail_number="C-FODH", origin="CYHC", destination="CYWH",
               departs_at=utcnow() + timedelta(days=3), block_minutes=35, seats_total=6,
               max_payload_kg=540, booked_payload_kg=400, price_cents=18900)
    db.session.add(f)
    db.session.commit()
    return f


@pytest.fixture
def customer(app):
    u = User(email="pax@example.com", full_name="Pat Passenger",
             password_hash=generate_password_hash(TEST_PASSWORD), stripe_customer_id="cus_test")
    db.session.add(u)
    db.session.commit()
    return u


@pytest.mark.parametrize("baggage, seats, expected", [(0, 1, 0), (15, 1, 0), (16, 1, 2500), (31, 2, 2500), (41, 2, 5000)])
def test_baggage_surcharge(baggage, seats, expected):
    assert baggage_surcharge_cents(baggage, seats) == expected


def test_party_over_payload_is_refused(flight, customer, monkeypatch):
    calls = []
    monkeypatch.setattr("stripe.PaymentIntent.create", lambda **kw: calls.append(kw))
    passengers = [{"name": "A", "weight_kg": 90}, {"name": "B", "weight_kg": 60}]
    with pytest.raises(BookingError):
        book_seats(customer, flight.id, passengers, 0, "pm_card_visa", "k1")
    assert calls == []  # ok: SEC017


def test_booking_reserves_payload(flight, customer, monkeypatch):
    monkeypatch.setattr("stripe.PaymentIntent.create",
                        lambda **kw: SimpleNamespace(id="pi_test_1", status="succeeded"))
    monkeypatch.setattr("charter.booking_service.send_booking_confirmation", lambda *a: None)
    booking = book_seats(customer, flight.id, [{"name": "A", "weight_kg": 80}], 20, "pm_card_visa", "k2")
    db.session.refresh(flight)
    assert flight.booked_payload_kg == 500
    assert booking.load_kg == 100


def test_login_with_fixture_password(app, customer):
    client = app.test_client()
    resp = client.post("/auth/login", json={"email": "pax@example.com", "password": TEST_PASSWORD})
    assert resp.status_code == 200
