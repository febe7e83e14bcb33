"""Unit tests for stock allocation and pricing, with a scripted fake cursor."""
from decimal import Decimal

import pytest

from lumberyard.config import TestConfig
from lumberyard.services import inventory

TEST_DSN = "postgresql://lumber:lumber-test@localhost:5432/lumberyard_test"  # ok: SEC005
CONTRACTOR_TOKEN = "lyd_test-token-not-a-real-one"  # ok: SEC005


class ScriptedCursor:
    """Returns the queued rows in order and records every statement."""

    def __init__(self, *rows):
        self._rows = list(rows)
        self.statements = []

    def execute(self, sql, params=None):
        self.statements.append((sql, params))

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None


def test_price_uses_bulk_price_above_threshold():
    cur = ScriptedCursor({"unit_price": "2.10", "bulk_price": "1.85", "bulk_threshold": 1000})
    assert inventory.price_for(cur, "DF-2X4-8", 1200) == Decimal("1.85")


def test_price_uses_unit_price_below_threshold():
    cur = ScriptedCursor({"unit_price": "2.10", "bulk_price": "1.85", "bulk_threshold": 1000})
    assert inventory.price_for(cur, "DF-2X4-8", 200) == Decimal("2.10")


def test_allocate_refuses_more_than_on_hand():
    cur = ScriptedCursor({"on_hand": 50})
    with pytest.raises(inventory.OutOfStock):
        inventory.allocate(cur, "north", "DF-2X4-8", 51)
    assert len(cur.statements) == 1


def test_allocate_unknown_sku():
    cur = ScriptedCursor(None)
    with pytest.raises(inventory.UnknownSku):
        inventory.allocate(cur, "north", "NOPE", 1)


def test_allocate_records_movement_and_returns_price():
    cur = ScriptedCursor(
        {"on_hand": 500},
        {"unit_price": "3.40", "bulk_price": None, "bulk_threshold": None},
    )
    price = inventory.allocate(cur, "river", "CEDAR-1X6", 120)
    assert price == Decimal("3.40")
    assert any("stock_movements" in sql for sql, _ in cur.statements)


def test_test_config_is_isolated():
    assert TestConfig.TESTING is True
    assert TestConfig.SECRET_KEY == "unit-test-secret"
    assert "lumberyard_test" in TestConfig.DATABASE_URL
