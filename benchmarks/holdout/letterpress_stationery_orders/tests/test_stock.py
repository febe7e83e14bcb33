"""Tests for paper arithmetic, pricing, previews and the Stripe webhook."""

import io
import json
from unittest import mock

import pytest
from django.test import Client, override_settings
from PIL import Image

from orders.views import quote_pence
from proofs.imaging import UnusableImage, build_preview
from stock.services import spoilage_allowance

STRIPE_TEST_SECRET = "sk_test_51Fixture0000000000000000"  # ok: SEC005
WEBHOOK_TEST_SECRET = "whsec_fixture_only"
CUSTOMER_PASSWORD = "Letterpress-Fixture-99"


def _png_bytes(size=(2400, 1600)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, (250, 248, 240)).save(buf, "PNG")
    buf.seek(0)
    return buf


@pytest.mark.parametrize("sheets, allowance", [(10, 5), (100, 6), (1000, 60), (2000, 120)])
def test_spoilage_allowance(sheets, allowance):
    assert spoilage_allowance(sheets) == allowance


def test_quote_includes_setup_per_colour():
    assert quote_pence("A5", 100, 2) == 95 * 100 + 2 * 4500


def test_preview_is_a_bounded_jpeg():
    data = build_preview(_png_bytes())
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        assert max(img.size) <= 1400


def test_preview_rejects_non_images():
    with pytest.raises(UnusableImage):
        build_preview(io.BytesIO(b"%PDF-1.7 not an image"))


@pytest.mark.django_db
@override_settings(STRIPE_WEBHOOK_SECRET=WEBHOOK_TEST_SECRET, STRIPE_SECRET_KEY=STRIPE_TEST_SECRET)
def test_webhook_rejects_bad_signature():
    resp = Client().post(
        "/hooks/stripe/", data=json.dumps({"id": "evt_1"}), content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=deadbeef",
    )
    assert resp.status_code == 400


@pytest.mark.django_db
def test_webhook_ignores_duplicate_event():
    event = {
        "id": "evt_dup",
        "type": "checkout.session.completed",
        "data": {"object": {"payment_status": "paid", "client_reference_id": "LP-TEST"}},
    }
    with mock.patch("orders.webhooks.stripe.Webhook.construct_event", return_value=event), \
            mock.patch("orders.webhooks._mark_paid") as mark_paid:
        client = Client()
        first = client.post("/hooks/stripe/", data="{}", content_type="application/json")
        second = client.post("/hooks/stripe/", data="{}", content_type="application/json")
    assert first.status_code == 200 and second.status_code == 200
    assert mark_paid.call_count == 1


@pytest.mark.django_db
def test_customer_can_sign_in(django_user_model):
    django_user_model.objects.create_user("ada", "ada@example.test", CUSTOMER_PASSWORD)
    resp = Client().post("/account/sign-in/", {"username": "ada", "password": CUSTOMER_PASSWORD})
    assert resp.status_code == 302
