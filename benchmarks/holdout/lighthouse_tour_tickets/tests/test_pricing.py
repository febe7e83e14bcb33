"""Pricing rules and the staff-only closure screen."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from werkzeug.security import generate_password_hash

from tours import create_app, db
from tours.models import User
from tours.services.pricing import PricingError, discount_for, quote, refund_amount

STAFF_PASSWORD = "keeper-of-the-light-test"  # ok: SEC005
VISITOR_PASSWORD = "visitor-test-password"  # ok: SEC005


@pytest.fixture
def app():
    app = create_app("test")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


def _user(email: str, password: str, staff: bool = False) -> User:
    user = User(email=email, password_hash=generate_password_hash(password), is_staff=staff)
    db.session.add(user)
    db.session.commit()
    return user


def _slot(price=1200, hours_ahead=48):
    return SimpleNamespace(price_pence=price,
                           starts_at=datetime.now(timezone.utc) + timedelta(hours=hours_ahead))


@pytest.mark.parametrize("size,pct", [(1, 0), (5, 0), (6, 10), (12, 15), (25, 20)])
def test_group_discount_tiers(size, pct):
    assert discount_for(size) == pct


def test_quote_applies_discount_to_whole_party():
    q = quote(_slot(price=1000), 10)
    assert q.gross_pence == 10_000
    assert q.total_pence == 8_500
    assert q.discount_pence == 1_500


def test_quote_rejects_oversized_party():
    with pytest.raises(PricingError):
        quote(_slot(), 41)


def test_closure_refund_is_full_even_inside_24_hours():
    booking = SimpleNamespace(amount_pence=4800)
    assert refund_amount(booking, _slot(hours_ahead=2), reason="closure") == 4800
    assert refund_amount(booking, _slot(hours_ahead=2), reason="customer") == 0


def test_closure_screen_is_staff_only(app, client):
    _user("visitor@example.test", VISITOR_PASSWORD)
    client.post("/auth/login", data={"email": "visitor@example.test", "password": VISITOR_PASSWORD})
    resp = client.get("/admin/closures")
    assert resp.status_code == 403  # ok: SEC017


def test_staff_can_sign_in(app, client):
    _user("keeper@example.test", STAFF_PASSWORD, staff=True)
    resp = client.post("/auth/login", data={"email": "keeper@example.test",
                                            "password": STAFF_PASSWORD})
    assert resp.status_code == 302
