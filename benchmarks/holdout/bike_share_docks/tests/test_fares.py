import os
import time

os.environ.setdefault("TARIFF_SERVICE_URL", "http://tariff.test")
os.environ.setdefault("JWT_SECRET", "test-secret-for-unit-tests-only-0123456789")  # ok: SEC005

import jwt
import pytest
from fastapi import HTTPException

from docks import auth, fares

TARIFF = {
    "version": "test-1",
    "free_minutes": 0,
    "block_minutes": 30,
    "block_cents": 100,
    "ebike_block_cents": 250,
    "unlock_cents": 50,
    "outer_return_cents": 200,
    "daily_cap_cents": 1500,
}


@pytest.fixture(autouse=True)
def fixed_tariff(monkeypatch):
    monkeypatch.setattr(fares, "_tariff", dict(TARIFF))
    monkeypatch.setattr(fares, "_fetched_at", time.monotonic())
    fares.zone_for.cache_clear()


def test_short_ride_costs_unlock_plus_one_block():
    assert fares.compute_fare(5, "centre", "centre") == 150


def test_ebike_uses_ebike_rate():
    assert fares.compute_fare(45, "inner", "inner", ebike=True) == 50 + 2 * 250


def test_outer_return_surcharge_only_when_leaving_inner_zones():
    assert fares.compute_fare(10, "centre", "outer") == 350
    assert fares.compute_fare(10, "outer", "outer") == 150


def test_daily_cap_applies():
    assert fares.compute_fare(24 * 60, "centre", "centre") == 1500


def test_zone_lookup():
    assert fares.zone_for(52.52, 13.40) == "centre"
    assert fares.zone_for(52.49, 13.33) == "inner"
    assert fares.zone_for(48.13, 11.57) == "outer"


def _token(**claims):
    payload = {"sub": "42", "aud": auth.JWT_AUDIENCE, "exp": int(time.time()) + 60, **claims}
    return jwt.encode(payload, os.environ["JWT_SECRET"], algorithm="HS256")


def test_current_rider_accepts_valid_token():
    rider = auth.current_rider(authorization=f"Bearer {_token(roles=['mechanic'])}")
    assert rider.id == 42 and rider.is_mechanic


def test_current_rider_rejects_unsigned_token():
    unsigned = jwt.encode({"sub": "1", "aud": auth.JWT_AUDIENCE, "exp": int(time.time()) + 60}, key=None, algorithm="none")
    with pytest.raises(HTTPException) as exc:
        auth.current_rider(authorization=f"Bearer {unsigned}")
    assert exc.value.status_code == 401


def test_pin_round_trip():
    stored = auth.hash_pin("4821")
    assert auth.verify_pin("4821", stored)
    assert not auth.verify_pin("0000", stored)
