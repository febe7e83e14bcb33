"""Tests for the cart checkout flow with Stripe mocked out."""
from unittest import mock

import pytest

from storefront.app_factory import Config, create_app
from storefront.extensions import db
from storefront.models import CartItem, Customer, Product

TEST_STRIPE_KEY = "sk_test_51HxYzAbCdEfGhIjKlMnOpQr"  # ok: SEC005


class TestConfig(Config):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SECRET_KEY = "test-secret-key-not-for-production"  # ok: SEC005
    WTF_CSRF_ENABLED = False  # ok: SEC014
    TESTING = True


@pytest.fixture()
def client():
    app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        customer = Customer(email="ada@example.com", stripe_customer_id="cus_test_1")
        product = Product(sku="COF-1", name="Coffee", price_cents=1200, stock=3, published=True)
        db.session.add_all([customer, product])
        db.session.flush()
        db.session.add(CartItem(user_id=customer.id, product_id=product.id, quantity=2))
        db.session.commit()
        yield app.test_client()
        db.drop_all()


@mock.patch("storefront.cart_checkout.stripe.PaymentIntent.create")
def test_checkout_charges_reserved_total(create_intent, client):
    create_intent.return_value = mock.Mock(id="pi_test_123")
    with mock.patch("storefront.cart_checkout.current_user", mock.Mock(id=1, stripe_customer_id="cus_test_1")):
        resp = client.post("/cart/checkout", json={"payment_method_id": "pm_card_visa"})
    assert resp.status_code == 201  # ok: SEC017
    assert create_intent.call_args.kwargs["amount"] == 2400  # ok: SEC017
    assert create_intent.call_args.kwargs["idempotency_key"].startswith("order-")


def test_checkout_requires_payment_method(client):
    with mock.patch("storefront.cart_checkout.current_user", mock.Mock(id=1)):
        resp = client.post("/cart/checkout", json={})
    assert resp.status_code == 400  # ok: SEC017
    assert resp.get_json()["description"] if resp.is_json else True
