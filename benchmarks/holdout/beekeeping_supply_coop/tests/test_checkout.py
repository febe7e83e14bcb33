"""Checkout reservation tests. Run with pytest-django against a throwaway Postgres."""
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from members.models import Member
from shop.models import Order, OrderLine, Product
from shop.services.reservations import OutOfStock, PaymentDeclined, checkout, reserve_order

TEST_PASSWORD = "propolis-test-only-pw"  # ok: SEC005
STRIPE_TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005


@pytest.fixture
def member(db):
    user = get_user_model().objects.create_user("queenbee", "queen@example.test", TEST_PASSWORD)
    return Member.objects.create(user=user, display_name="Queen B", member_number="T-001", stripe_customer_id="cus_test")


@pytest.fixture
def jars(db):
    return Product.objects.create(
        sku="JAR-454", name="454g hex jars (72)", category="jars", price_pence=3600, member_price_pence=3100, stock_on_hand=4
    )


def _order(member, product, qty):
    order = Order.objects.create(member=member, total_pence=product.member_price_pence * qty)
    OrderLine.objects.create(order=order, product=product, quantity=qty, unit_price_pence=product.member_price_pence)
    return order


def test_reserve_takes_stock(member, jars):
    order = _order(member, jars, 3)
    reserve_order(order)
    jars.refresh_from_db()
    order.refresh_from_db()
    assert jars.stock_on_hand == 1
    assert order.status == Order.Status.RESERVED


def test_reserve_is_all_or_nothing(member, jars):
    frames = Product.objects.create(
        sku="FRM-NAT", name="National frames (10)", category="frames", price_pence=2200, member_price_pence=1900, stock_on_hand=0
    )
    order = _order(member, jars, 2)
    OrderLine.objects.create(order=order, product=frames, quantity=1, unit_price_pence=1900)
    with pytest.raises(OutOfStock):
        reserve_order(order)
    jars.refresh_from_db()
    assert jars.stock_on_hand == 4


@override_settings(STRIPE_SECRET_KEY=STRIPE_TEST_KEY)
def test_declined_card_releases_stock(member, jars):
    import stripe

    order = _order(member, jars, 2)
    declined = stripe.error.CardError("Your card was declined.", param=None, code="card_declined")
    with mock.patch("stripe.PaymentIntent.create", side_effect=declined) as create:
        with pytest.raises(PaymentDeclined):
            checkout(order, "pm_card_chargeDeclined")
    assert create.call_args.kwargs["idempotency_key"] == f"coop-order-{order.pk}"
    jars.refresh_from_db()
    order.refresh_from_db()
    assert jars.stock_on_hand == 4
    assert order.status == Order.Status.CANCELLED
