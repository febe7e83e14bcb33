"""Billing and alert tests (pytest-django)."""
from datetime import date, time
from decimal import Decimal
from unittest import mock

import pytest
from django.test import override_settings

from alerts.sms_gateway import SmsGateway
from attendance.models import Center, Classroom, Family
from billing.models import BillingAccount, Payment
from billing.payments import record_payment

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "crayons-and-naptime-42"  # ok: SEC005


@pytest.fixture
def account():
    center = Center.objects.create(name="Sunnyside North")
    Classroom.objects.create(center=center, name="Bluebirds", closes_at=time(18, 0))
    family = Family.objects.create(center=center, name="Okafor")
    return BillingAccount.objects.create(family=family, balance=Decimal("100.00"))


@pytest.fixture(autouse=True)
def no_receipts():
    with mock.patch("alerts.tasks.send_payment_receipt.delay") as delay:
        yield delay


def test_record_payment_is_idempotent(account):
    first = record_payment(account.id, Decimal("40.00"), processor_ref="ch_1", idempotency_key="k1")
    second = record_payment(account.id, Decimal("40.00"), processor_ref="ch_1", idempotency_key="k1")
    account.refresh_from_db()
    assert first.id == second.id
    assert account.balance == Decimal("60.00")
    assert Payment.objects.count() == 1


def test_record_payment_rejects_non_positive(account):
    with pytest.raises(ValueError):
        record_payment(account.id, Decimal("0"), idempotency_key="k0")


@override_settings(SMS_GATEWAY_API_KEY="test-sms-key", SMS_GATEWAY_URL="https://sms.test")  # ok: SEC005
def test_sms_gateway_sends_dedupe_key():
    gateway = SmsGateway()
    response = mock.Mock(status_code=201)
    response.json.return_value = {"message_id": "m-1"}
    with mock.patch.object(gateway.session, "post", return_value=response) as post:
        assert gateway.send("+15555550100", "hello", dedupe_key="pickup-1-2") == "m-1"
    headers = post.call_args.kwargs["headers"]
    assert headers["Idempotency-Key"] == "pickup-1-2"
    assert headers["Authorization"] == "Bearer test-sms-key"


def test_staff_can_log_in(client, django_user_model):
    django_user_model.objects.create_user("teacher", password=STAFF_PASSWORD, is_staff=True)
    assert client.login(username="teacher", password=STAFF_PASSWORD)


def test_period_bounds_handles_february():
    from billing.invoicing import period_bounds

    assert period_bounds(date(2024, 2, 17)) == (date(2024, 2, 1), date(2024, 2, 29))
