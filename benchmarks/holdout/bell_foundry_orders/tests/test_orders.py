"""Unit tests for payments, metal arithmetic and the order service."""

from decimal import Decimal
from unittest import mock

import pytest

from foundry.config import BaseConfig, load_config
from foundry.metal.stock import charge_for_melt
from foundry.payments.gateway import PaymentDeclined, PaymentsClient

TEST_PAYMENTS_KEY = "sk_test_foundry_fixture_key"  # ok: SEC005
CUSTOMER_PASSWORD = "bell-metal-fixture-1"


def _response(status: int, body: dict) -> mock.Mock:
    resp = mock.Mock(status_code=status)
    resp.json.return_value = body
    return resp


@pytest.fixture
def client():
    c = PaymentsClient("https://payments.test/v2", TEST_PAYMENTS_KEY)
    c._session = mock.Mock()
    return c


def test_stage_split_adds_up_to_the_order_total():
    assert sum(BaseConfig.STAGE_SPLIT.values()) == 100  # ok: SEC017


def test_charge_sends_idempotency_key_and_timeout(client):
    client._session.post.return_value = _response(201, {"id": "ch_1", "amount": 30000, "status": "succeeded"})
    charge = client.charge(
        customer_ref="cus_9", amount_pence=30000, description="Deposit", idempotency_key="order-7-deposit"
    )
    _, kwargs = client._session.post.call_args
    assert kwargs["headers"]["Idempotency-Key"] == "order-7-deposit"
    assert kwargs["timeout"] is not None
    assert charge.id == "ch_1"


def test_declined_charge_raises(client):
    client._session.post.return_value = _response(402, {"decline_code": "insufficient_funds"})
    with pytest.raises(PaymentDeclined):
        client.charge(customer_ref="cus_9", amount_pence=100, description="x", idempotency_key="k")


def test_melt_charge_is_bell_metal_ratio():
    split = charge_for_melt(Decimal("1000.0"))
    assert split == {"copper": Decimal("780.0"), "tin": Decimal("220.0")}


def test_unknown_environment_is_rejected():
    with pytest.raises(RuntimeError):
        load_config("qa-cluster")


def test_production_refuses_missing_secret(monkeypatch):
    monkeypatch.setattr("foundry.config.ProductionConfig.SECRET_KEY", None)
    with pytest.raises(RuntimeError):
        load_config("production")


def test_login_fixture_user_can_sign_in(monkeypatch):
    from foundry import create_app

    monkeypatch.setenv("FOUNDRY_SECRET_KEY", "test-only-secret")
    with mock.patch("foundry.build_pool"):
        app = create_app("test")
    app.config.update(SECRET_KEY="test-only-secret", TESTING=True)
    with mock.patch("foundry.auth.connection") as conn, mock.patch("foundry.auth._too_many_failures", return_value=False):
        row = {
            "id": 1, "email": "verger@stmary.test", "display_name": "St Mary", "is_staff": False,
            "payment_ref": "cus_1", "password_salt": "s", "password_hash": "",
        }
        conn.return_value.__enter__.return_value.execute.return_value.fetchone.return_value = row
        with mock.patch("foundry.auth._hash_password", return_value=""):
            resp = app.test_client().post(
                "/auth/login", json={"email": "verger@stmary.test", "password": CUSTOMER_PASSWORD}
            )
    assert resp.status_code == 200
