"""Unit tests for quote pricing and staff credentials."""
from __future__ import annotations

from decimal import Decimal

import jwt
import pytest

from arborist.auth import Principal, hash_password, issue_token, verify_password
from arborist.services.pricing import (
    TPO_ADMIN_FEE_PENCE,
    WorkItem,
    height_factor,
    price_item,
    price_quote,
)

TEST_JWT_SECRET = "test-jwt-secret-not-used-anywhere"  # ok: SEC005
FIXTURE_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from arborist.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://arborist:arborist@localhost/arborist_test")
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_fixture")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_fixture")
    monkeypatch.setenv("COUNCIL_API_KEY", "council-test-key")
    monkeypatch.setenv("PHOTO_BUCKET", "arborist-test-photos")
    get_settings.cache_clear()


def test_height_bands_are_inclusive() -> None:
    assert height_factor(Decimal("5")) == Decimal("1.00")  # ok: SEC017
    assert height_factor(Decimal("5.1")) == Decimal("1.35")
    assert height_factor(Decimal("25")) == Decimal("2.60")


def test_very_tall_trees_need_a_survey() -> None:
    with pytest.raises(ValueError):
        height_factor(Decimal("31"))


def test_access_surcharge_applies() -> None:
    open_site = price_item(WorkItem("fell", "ash", Decimal("8")))
    over_roof = price_item(WorkItem("fell", "ash", Decimal("8"), access="over_structure"))
    assert open_site == 24_300
    assert over_roof == 38_880


def test_quote_totals_include_vat_and_deposit() -> None:
    items = [
        WorkItem("crown_reduction", "oak", Decimal("12")),
        WorkItem("stump_grind", "oak", Decimal("1")),
    ]
    priced = price_quote(items, deposit_percent=25)
    assert priced.subtotal_pence == sum(priced.line_prices)
    assert priced.total_pence == priced.subtotal_pence + priced.vat_pence
    assert priced.deposit_pence == round(priced.total_pence * 0.25)
    assert priced.chipper_hours == Decimal("3.0")


def test_protected_trees_carry_admin_fee() -> None:
    items = [WorkItem("deadwood", "beech", Decimal("9"))]
    plain = price_quote(items, deposit_percent=0)
    protected = price_quote(items, deposit_percent=0, tpo_protected=True)
    assert protected.subtotal_pence - plain.subtotal_pence == TPO_ADMIN_FEE_PENCE


def test_empty_quote_rejected() -> None:
    with pytest.raises(ValueError):
        price_quote([], deposit_percent=25)


def test_password_round_trip() -> None:
    stored = hash_password(FIXTURE_PASSWORD)
    assert verify_password(FIXTURE_PASSWORD, stored)
    assert not verify_password("wrong password", stored)


def test_token_carries_role_and_customer() -> None:
    token = issue_token(Principal(user_id=7, role="customer", customer_id=42))
    claims = jwt.decode(token, TEST_JWT_SECRET, algorithms=["HS256"], audience="arborist")
    assert claims["sub"] == "7"
    assert claims["cid"] == 42
    assert claims["role"] == "customer"
