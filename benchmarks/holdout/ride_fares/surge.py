"""Surge pricing per map cell, cached in memory between recomputations."""
from __future__ import annotations

import logging
import time
from decimal import ROUND_HALF_UP, Decimal

import pygeohash

import db
from config import CONFIG

logger = logging.getLogger(__name__)

_CELL_PRECISION = 7
_ONE = Decimal("1.0")
_STEP = Decimal("0.1")

_surge_cache: dict[str, tuple[Decimal, float]] = {}
_demand: dict[str, int] = {}


def cell_for(lat: float, lng: float) -> str:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        raise ValueError("coordinates out of range")
    return pygeohash.encode(lat, lng, precision=_CELL_PRECISION)


def record_demand(cell: str) -> None:
    _demand[cell] = _demand.get(cell, 0) + 1  # expect: CON002, SCL001, RES002


def _supply_and_requests(cell: str) -> tuple[int, int]:
    row = db.fetch_one(
        "SELECT "
        "  (SELECT count(*) FROM driver_positions WHERE cell6 = %(parent)s AND status = 'available' "
        "     AND seen_at > now() - interval '2 minutes') AS drivers, "
        "  (SELECT count(*) FROM ride_requests WHERE cell6 = %(parent)s AND status = 'open') AS requests",
        {"parent": cell[:6]},
    )
    return int(row["drivers"]), int(row["requests"])


def _multiplier(drivers: int, requests: int, recent_quotes: int) -> Decimal:
    demand = requests + recent_quotes // 4
    if drivers == 0:
        return CONFIG.fares.max_surge if demand else _ONE
    ratio = Decimal(demand) / Decimal(drivers)
    if ratio <= _ONE:
        return _ONE
    raw = _ONE + (ratio - _ONE) * Decimal("0.5")
    stepped = (raw / _STEP).quantize(_ONE, rounding=ROUND_HALF_UP) * _STEP
    return min(stepped, CONFIG.fares.max_surge)


def _store(cell: str, multiplier: Decimal) -> None:
    _surge_cache[cell] = (multiplier, time.monotonic())  # expect: RES002


def surge_for(lat: float, lng: float) -> Decimal:
    cell = cell_for(lat, lng)
    record_demand(cell)
    now = time.monotonic()
    cached = _surge_cache.get(cell)
    if cached is not None and now - cached[1] < CONFIG.fares.surge_ttl_s:
        return cached[0]

    drivers, requests = _supply_and_requests(cell)
    multiplier = _multiplier(drivers, requests, _demand.get(cell, 0))
    _store(cell, multiplier)
    if multiplier > _ONE:
        logger.info("surge cell=%s multiplier=%s drivers=%s requests=%s", cell, multiplier, drivers, requests)
    return multiplier


def recompute_cell(cell: str) -> Decimal:
    drivers, requests = _supply_and_requests(cell)
    multiplier = _multiplier(drivers, requests, _demand.get(cell, 0))
    _store(cell, multiplier)
    return multiplier


def snapshot() -> dict[str, str]:
    now = time.monotonic()
    return {
        cell: str(value)
        for cell, (value, at) in list(_surge_cache.items())
        if now - at < CONFIG.fares.surge_ttl_s
    }
