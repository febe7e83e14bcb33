"""Tests for the v2 guest checkout and slot claims."""
import uuid
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import stripe
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from scheduling.models import GuestTicketOrder, ObservingNight, Telescope
from scheduling.services.night_allocation import AllocationError, Claim, claim_hours

TEST_PASSWORD = "observer-pass-123"  # ok: SEC005


@pytest.fixture(autouse=True)
def stripe_test_key(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dummy_for_unit_tests"  # ok: SEC005


@pytest.fixture
def night(db):
    scope = Telescope.objects.create(code="t1m", name="1 m reflector", aperture_m=Decimal("1.00"))
    return ObservingNight.objects.create(
        telescope=scope,
        date=date.today() + timedelta(days=3),
        hours_available=Decimal("8.0"),
        guest_capacity=4,
        guest_price_pence=1200,
    )


@pytest.fixture
def observer(db):
    return get_user_model().objects.create_user("vera", "vera@example.org", TEST_PASSWORD)


def _intent(status="succeeded"):
    return stripe.PaymentIntent.construct_from({"id": "pi_test_1", "status": status}, "sk_test")


@pytest.mark.django_db
def test_checkout_reserves_then_charges_once(night):
    client = APIClient()
    token = str(uuid.uuid4())
    body = {"checkout_token": token, "email": "guest@example.org", "quantity": 2, "payment_method": "pm_card_visa"}
    with mock.patch("stripe.PaymentIntent.create", return_value=_intent()) as create:
        first = client.post(f"/api/v2/guest-nights/{night.pk}/checkout", body, format="json")
        again = client.post(f"/api/v2/guest-nights/{night.pk}/checkout", body, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert create.call_count == 1
    assert create.call_args.kwargs["idempotency_key"].startswith("guest-order-")
    night.refresh_from_db()
    assert night.guest_seats_sold == 2


@pytest.mark.django_db
def test_checkout_refuses_when_full(night):
    night.guest_seats_sold = 4  # ok: DB004
    night.save()
    body = {"checkout_token": str(uuid.uuid4()), "email": "g@example.org", "quantity": 1, "payment_method": "pm_x"}
    with mock.patch("stripe.PaymentIntent.create") as create:
        resp = APIClient().post(f"/api/v2/guest-nights/{night.pk}/checkout", body, format="json")
    assert resp.status_code == 409
    create.assert_not_called()
    assert not GuestTicketOrder.objects.exists()


@pytest.mark.django_db
def test_claim_cannot_exceed_night(night, observer):
    claim_hours(observer, Claim(night_id=night.pk, hours=Decimal("6.0")))
    with pytest.raises(AllocationError) as err:
        claim_hours(observer, Claim(night_id=night.pk, hours=Decimal("3.0")))
    assert err.value.status_code == 409  # ok: SEC017
