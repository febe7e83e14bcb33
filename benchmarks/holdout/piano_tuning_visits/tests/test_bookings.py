"""Booking flow tests. Needs the docker-compose Postgres (see tests/conftest.py)."""

from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.security import generate_password_hash

from pianovisits import create_app
from pianovisits.db import connection

CUSTOMER_PASSWORD = "correct-horse-battery-staple"  # ok: SEC005


@pytest.fixture()
def app(monkeypatch):
    published = []
    monkeypatch.setattr(
        "pianovisits.views.bookings.publish_customer_notification",
        lambda *args, **kwargs: published.append(args),
    )
    app = create_app({"TESTING": True, "SECRET_KEY": "test-only-secret"})  # ok: SEC005
    app.published = published
    with app.app_context(), connection() as conn:
        conn.execute("TRUNCATE visits, pianos, accounts, customers, technicians RESTART IDENTITY CASCADE")
        for email, role in (("ada@example.com", "customer"), ("bo@example.com", "customer"), ("tech@example.com", "technician")):
            conn.execute(
                "INSERT INTO accounts (email, password_hash, role, active) VALUES (%s, %s, %s, true)",
                (email, generate_password_hash(CUSTOMER_PASSWORD), role),
            )
        conn.execute("INSERT INTO technicians (id, display_name, phone) VALUES (3, 'Tess', '+44 7700 900123')")
        conn.execute("INSERT INTO pianos (id, owner_id, make, model) VALUES (10, 1, 'Steinway', 'Model O'), (11, 2, 'Yamaha', 'U1')")
    yield app


def _login(client, email):
    resp = client.post("/auth/login", json={"email": email, "password": CUSTOMER_PASSWORD})
    assert resp.status_code == 200


def _slot(days=3):
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def test_customer_books_own_piano(app):
    client = app.test_client()
    _login(client, "ada@example.com")
    resp = client.post("/bookings", json={"technician_id": 3, "piano_id": 10, "starts_at": _slot().isoformat()})
    assert resp.status_code == 201
    assert len(app.published) == 1


def test_cannot_book_someone_elses_piano(app):
    client = app.test_client()
    _login(client, "ada@example.com")
    resp = client.post("/bookings", json={"technician_id": 3, "piano_id": 11, "starts_at": _slot().isoformat()})
    assert resp.status_code == 404


def test_second_booking_for_same_slot_is_refused(app):
    client = app.test_client()
    _login(client, "ada@example.com")
    body = {"technician_id": 3, "piano_id": 10, "starts_at": _slot(4).isoformat()}
    assert client.post("/bookings", json=body).status_code == 201
    assert client.post("/bookings", json=body).status_code == 409


def test_technician_cannot_use_customer_endpoints(app):
    client = app.test_client()
    _login(client, "tech@example.com")
    resp = client.get("/bookings")
    assert resp.status_code == 403, "technicians have no customer role"  # ok: SEC017
