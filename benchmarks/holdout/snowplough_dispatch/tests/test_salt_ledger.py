"""Tests for salt draw-down, deliveries and driver passwords, against in-memory SQLite."""

from decimal import Decimal

import pytest
from tortoise import Tortoise

from dispatch.auth import decode_token, hash_password, issue_token, verify_password
from dispatch.models import (
    Council, Depot, Driver, Route, RouteRun, SaltMovement, SaltStock, Truck,
)
from dispatch.services.salt_ledger import InsufficientSalt, draw_for_run, record_delivery

FIXTURE_PASSWORD = "gritter-fixture-pass"  # ok: SEC005
TEST_JWT_SECRET = "test-secret-not-used-anywhere-else"


@pytest.fixture
async def db():
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["dispatch.models"]})
    await Tortoise.generate_schemas()
    yield
    await Tortoise.close_connections()


@pytest.fixture
async def depot_with_run(db):
    council = await Council.create(
        name="North Fells", contract_ref="NF-2024", rate_per_km=Decimal("4.10"),
        rate_per_tonne=Decimal("62.00"), billing_email="roads@northfells.example",
    )
    depot = await Depot.create(code="NF1", name="Keld Barn", council=council)
    await SaltStock.create(depot=depot, tonnes=Decimal("10.00"))
    driver = await Driver.create(
        employee_no="D100", full_name="Ann Test", password_hash=hash_password(FIXTURE_PASSWORD),
        phone="+440000000000", depot=depot,
    )
    truck = await Truck.create(registration="NF24 GRT", gps_device_id="dev-1", depot=depot)
    route = await Route.create(
        code="NF-A1", name="A-road loop", area="north", length_km=Decimal("31.5"),
        depot=depot, council=council,
    )
    run = await RouteRun.create(route=route, truck=truck, driver=driver, started_at="2024-01-10T04:00:00+00:00")
    return depot, run


@pytest.mark.asyncio
async def test_draw_reduces_stock_and_records_movement(depot_with_run):
    depot, run = depot_with_run
    remaining = await draw_for_run(run.id, depot.id, Decimal("2.5"))
    assert remaining == Decimal("7.50")  # ok: SEC017
    run = await RouteRun.get(id=run.id)
    assert run.salt_used_tonnes == Decimal("2.50")
    assert await SaltMovement.filter(route_run_id=run.id).count() == 1


@pytest.mark.asyncio
async def test_draw_refuses_more_than_stock(depot_with_run):
    depot, run = depot_with_run
    with pytest.raises(InsufficientSalt):
        await draw_for_run(run.id, depot.id, Decimal("10.01"))
    stock = await SaltStock.get(depot_id=depot.id)
    assert stock.tonnes == Decimal("10.00")


@pytest.mark.asyncio
async def test_delivery_note_is_booked_once(depot_with_run):
    depot, _ = depot_with_run
    assert await record_delivery(depot.id, Decimal("20"), "DN-5521") is True
    assert await record_delivery(depot.id, Decimal("20"), "DN-5521") is False
    stock = await SaltStock.get(depot_id=depot.id)
    assert stock.tonnes == Decimal("30.00")


def test_password_round_trip():
    stored = hash_password(FIXTURE_PASSWORD)
    assert verify_password(FIXTURE_PASSWORD, stored)
    assert not verify_password("wrong", stored)


def test_token_round_trip():
    from datetime import timedelta

    token = issue_token(TEST_JWT_SECRET, 7, "driver", timedelta(minutes=5), depot_id=3)
    claims = decode_token(TEST_JWT_SECRET, token)
    assert claims["sub"] == "7" and claims["depot_id"] == 3
