"""Tests for no-show fee charging and the Stripe webhook."""
from datetime import date, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest

from sweepvisits import create_app, db
from sweepvisits.models import Appointment, Crew, Property, User
from sweepvisits.tasks.no_show_fees import charge_no_show_fee

CUSTOMER_PASSWORD = "correct-horse-battery-staple"  # ok: SEC005
STRIPE_TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005


@pytest.fixture
def app():
    app = create_app("sweepvisits.config.TestConfig")
    app.config["STRIPE_SECRET_KEY"] = STRIPE_TEST_KEY
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def no_show(app):
    crew = Crew(name="North")
    user = User(email="pat@example.com", full_name="Pat", role="customer",
                stripe_customer_id="cus_test", default_payment_method="pm_card_visa")
    user.set_password(CUSTOMER_PASSWORD)
    db.session.add_all([crew, user])
    db.session.flush()
    prop = Property(owner_id=user.id, address_line="1 Flue Lane", postcode="LS1 1AA")
    db.session.add(prop)
    db.session.flush()
    appt = Appointment(customer_id=user.id, property_id=prop.id, crew_id=crew.id,
                       day=date.today() - timedelta(days=1), slot="08:00",
                       status="no_show", no_show_fee_status="due")
    db.session.add(appt)
    db.session.commit()
    return appt


def test_fee_is_charged_once_with_idempotency_key(no_show):
    intent = SimpleNamespace(id="pi_123", status="succeeded")
    with mock.patch("stripe.PaymentIntent.create", return_value=intent) as create:
        charge_no_show_fee.run(no_show.id)
        charge_no_show_fee.run(no_show.id)

    assert create.call_count == 1
    assert create.call_args.kwargs["idempotency_key"] == f"no-show-fee-{no_show.id}"
    refreshed = db.session.get(Appointment, no_show.id)
    assert refreshed.no_show_fee_status == "charged"


def test_login_then_book_requires_owner(app, no_show):
    client = app.test_client()
    resp = client.post("/auth/login", json={"email": "pat@example.com", "password": CUSTOMER_PASSWORD})
    assert resp.status_code == 200
    other = Property(owner_id=no_show.customer_id + 100, address_line="9 Soot St", postcode="LS2 2BB")
    db.session.add(other)
    db.session.commit()
    resp = client.post("/appointments", json={
        "property_id": other.id, "crew_id": no_show.crew_id,
        "day": (date.today() + timedelta(days=3)).isoformat(), "slot": "08:00",
    })
    assert resp.status_code == 404


def test_webhook_rejects_bad_signature(app):
    client = app.test_client()
    resp = client.post("/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=bad"})
    assert resp.status_code == 400
