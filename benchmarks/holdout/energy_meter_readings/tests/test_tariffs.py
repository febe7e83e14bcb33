from decimal import Decimal

import pytest

from meters.settings import Settings
from meters.tariffs import Band, Tariff, price_period

GRID_TOKEN = "test-grid-token"  # ok: SEC005
WEBHOOK_SECRET = "whsec_test_only"  # ok: SEC005


def _economy7() -> Tariff:
    return Tariff(
        code="E7-2024",
        standing_charge_per_day=Decimal("0.45"),
        vat_rate=Decimal("0.05"),
        bands=(
            Band("night", 0, 7, Decimal("0.15")),
            Band("day", 7, 0, Decimal("0.30")),
        ),
    )


def test_band_lookup_wraps_midnight():
    tariff = _economy7()
    assert tariff.band_for(3).name == "night"
    assert tariff.band_for(7).name == "day"
    assert tariff.band_for(23).name == "day"


def test_price_period_splits_bands_and_adds_vat():
    tariff = _economy7()
    lines = price_period(tariff, {2: Decimal("100"), 18: Decimal("200")}, days=30)
    assert lines.energy_by_band == {"night": Decimal("15.00"), "day": Decimal("60.00")}
    assert lines.standing_charge == Decimal("13.50")
    assert lines.vat == Decimal("4.43")
    assert lines.total == Decimal("92.93")


def test_overlapping_bands_are_rejected():
    tariff = Tariff(
        code="BROKEN",
        standing_charge_per_day=Decimal("0"),
        vat_rate=Decimal("0"),
        bands=(Band("a", 0, 12, Decimal("0.1")), Band("b", 10, 0, Decimal("0.2"))),
    )
    with pytest.raises(ValueError):
        tariff.band_for(11)


def test_settings_require_tokens(monkeypatch):
    monkeypatch.setenv("METERS_GRID_API_TOKEN", GRID_TOKEN)
    monkeypatch.setenv("METERS_PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.delenv("METERS_OPERATOR_API_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="operator_api_token"):
        Settings.from_env()
