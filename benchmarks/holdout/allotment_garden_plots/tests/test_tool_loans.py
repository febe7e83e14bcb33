"""Tool loans: the kiosk API and the members' web pages (pytest-django)."""
import json
from decimal import Decimal

import pytest

from garden.models import Member, Site, Tool, ToolLoan

pytestmark = pytest.mark.django_db

PASSWORD = "runner-beans-test-pass"  # ok: SEC005
KIOSK_TOKEN = "kiosk-test-token"  # ok: SEC005


@pytest.fixture(autouse=True)
def test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # ok: SEC009
    settings.SHED_KIOSK_TOKEN = KIOSK_TOKEN
    settings.DEBUG = True  # ok: SEC006


@pytest.fixture
def site():
    return Site.objects.create(code="north", name="North Field", rent_per_m2=Decimal("0.45"),
                               water_rate_per_m3=Decimal("2.100"))


@pytest.fixture
def member(django_user_model):
    user = django_user_model.objects.create_user(username="plotholder", email="plot@example.org",
                                                 password=PASSWORD)
    return Member.objects.create(user=user, phone="07700 900123", card_number="N-1001")


@pytest.fixture
def strimmer(site):
    return Tool.objects.create(shed=site, name="Strimmer", total_count=2, available_count=2)


def _kiosk_post(client, path, payload, token=KIOSK_TOKEN):
    return client.post(path, data=json.dumps(payload), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_kiosk_checkout_takes_one(client, member, strimmer):
    resp = _kiosk_post(client, "/shed/kiosk/checkout/", {"card": "N-1001", "tool_id": strimmer.pk})
    assert resp.status_code == 201
    strimmer.refresh_from_db()
    assert strimmer.available_count == 1


def test_kiosk_rejects_wrong_token(client, member, strimmer):
    resp = _kiosk_post(client, "/shed/kiosk/checkout/", {"card": "N-1001", "tool_id": strimmer.pk},
                       token="nope")
    assert resp.status_code == 401


def test_kiosk_checkout_when_none_left(client, member, strimmer):
    Tool.objects.filter(pk=strimmer.pk).update(available_count=0)
    resp = _kiosk_post(client, "/shed/kiosk/checkout/", {"card": "N-1001", "tool_id": strimmer.pk})
    assert resp.status_code == 409


def test_kiosk_return_restores_count(client, member, strimmer):
    resp = _kiosk_post(client, "/shed/kiosk/checkout/", {"card": "N-1001", "tool_id": strimmer.pk})
    loan_id = resp.json()["loan_id"]
    resp = _kiosk_post(client, "/shed/kiosk/return/", {"card": "N-1001", "loan_id": loan_id})
    assert resp.status_code == 200
    assert ToolLoan.objects.get(pk=loan_id).returned_at is not None
    strimmer.refresh_from_db()
    assert strimmer.available_count == 2


def test_web_borrow_needs_login(client, strimmer):
    resp = client.post(f"/shed/tools/{strimmer.pk}/borrow/")
    assert resp.status_code == 302


def test_web_borrow_logged_in(client, member, strimmer):
    assert client.login(username="plotholder", password=PASSWORD)
    resp = client.post(f"/shed/tools/{strimmer.pk}/borrow/")
    assert resp.status_code == 201
