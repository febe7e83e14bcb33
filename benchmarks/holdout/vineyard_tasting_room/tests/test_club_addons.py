"""Tests for member add-on orders; Stripe is mocked, the database is the pytest-django test DB."""
import uuid
from unittest import mock

import pytest
import stripe
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from club.models import AddOnOrder, ClubMembership
from inventory.models import Vintage, Wine

STRIPE_TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005
MEMBER_PASSWORD = "vinecrest-test-pw"  # ok: SEC005


@pytest.fixture(autouse=True)
def stripe_test_mode(settings):
    settings.STRIPE_API_KEY = STRIPE_TEST_KEY
    settings.DEBUG = True  # ok: SEC006
    stripe.api_key = STRIPE_TEST_KEY


@pytest.fixture()
def member(db):
    user = get_user_model().objects.create_user("pat", "pat@example.com", MEMBER_PASSWORD)
    ClubMembership.objects.create(member=user, stripe_customer_id="cus_test123", default_payment_method="pm_card_visa")
    return user


@pytest.fixture()
def vintage(db):
    wine = Wine.objects.create(name="Estate Pinot Noir", varietal="Pinot Noir")
    return Vintage.objects.create(wine=wine, year=2021, sku="EPN-21", label="Estate Pinot Noir 2021",
                                  bottles_on_hand=10, club_allocation=4, price_cents=4800, released=True)


@pytest.fixture()
def client(member):
    api = APIClient()
    api.force_authenticate(member)
    return api


def _order(client, vintage, quantity, token=None):
    return client.post("/api/club/addons", {"vintage_id": vintage.pk, "quantity": quantity,
                                            "client_token": str(token or uuid.uuid4())}, format="json")


@mock.patch("club.addons.stripe.PaymentIntent.create")
def test_addon_reserves_then_charges_once(create, client, vintage):
    create.return_value = mock.Mock(id="pi_123")
    token = uuid.uuid4()
    first = _order(client, vintage, 2, token)
    second = _order(client, vintage, 2, token)
    assert first.status_code == 201
    assert second.status_code == 200
    assert create.call_count == 1
    assert create.call_args.kwargs["idempotency_key"].startswith("club-addon-")
    vintage.refresh_from_db()
    assert vintage.bottles_on_hand == 8


@mock.patch("club.addons.stripe.PaymentIntent.create")
def test_club_allocation_is_not_sold(create, client, vintage):
    resp = _order(client, vintage, 7)
    assert resp.status_code == 409
    create.assert_not_called()


@mock.patch("club.addons.stripe.PaymentIntent.create")
def test_declined_card_releases_bottles(create, client, vintage):
    create.side_effect = stripe.error.CardError("declined", param=None, code="card_declined")
    resp = _order(client, vintage, 3)
    assert resp.status_code == 402
    vintage.refresh_from_db()
    assert vintage.bottles_on_hand == 10
    assert AddOnOrder.objects.get().status == AddOnOrder.Status.FAILED
