"""Partial payments: fee allocation and idempotency. Run with pytest-django."""
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from inventory.models import Customer, Item
from loans.models import Loan, Payment
from redemptions.partial_payments import PartialPaymentView

CLERK_PASSWORD = "counter-test-pass-1"  # ok: SEC005

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return get_user_model().objects.create_user("clerk", password=CLERK_PASSWORD)


@pytest.fixture
def loan(clerk):
    customer = Customer.objects.create(
        first_name="Dana", last_name="Reyes", date_of_birth="1988-04-02",
        id_document_type="DL", id_document_number="D1234567",
    )
    item = Item.objects.create(
        customer=customer, category="tools", description="DeWalt drill",
        appraised_value=Decimal("120.00"), intake_by=clerk,
    )
    return Loan.objects.create(
        ticket_number="T240000001", customer=customer, item=item, principal=Decimal("40.00"),
        monthly_rate=Decimal("0.15"), fees_due=Decimal("15.00"), issued_by=clerk,
        due_on=timezone.localdate() + timedelta(days=30),
    )


def _post(user, ticket, body, key):
    request = APIRequestFactory().post(f"/loans/{ticket}/payments", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    force_authenticate(request, user=user)
    return PartialPaymentView.as_view()(request, ticket_number=ticket)


def test_cash_payment_clears_fees_first(clerk, loan):
    resp = _post(clerk, loan.ticket_number, {"amount": "20.00", "method": "cash"}, "till-7-000001")

    assert resp.status_code == 201
    loan.refresh_from_db()
    assert loan.fees_due == Decimal("0.00")
    assert loan.amount_paid == Decimal("5.00")


def test_repeated_key_returns_the_first_payment(clerk, loan):
    first = _post(clerk, loan.ticket_number, {"amount": "10.00", "method": "cash"}, "till-7-000002")
    second = _post(clerk, loan.ticket_number, {"amount": "10.00", "method": "cash"}, "till-7-000002")

    assert second.status_code == 200
    assert second.data["payment_id"] == first.data["payment_id"]
    assert Payment.objects.count() == 1


def test_card_charge_is_keyed_by_payment(clerk, loan):
    with mock.patch("stripe.PaymentIntent.create") as create:
        create.return_value = mock.Mock(id="pi_test_123")
        resp = _post(
            clerk, loan.ticket_number,
            {"amount": "25.00", "method": "card", "payment_method": "pm_card_visa"}, "till-7-000003",
        )

    assert resp.status_code == 201
    assert create.call_args.kwargs["idempotency_key"] == f"pawn-payment-{resp.data['payment_id']}"
