"""Fare calculation from city rate cards."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from psycopg import sql

import db
from config import CONFIG

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
_SORTABLE_COLUMNS = {"city", "vehicle_class", "base_fare", "per_km", "updated_at"}


class UnknownRateCard(LookupError):
    pass


@dataclass(frozen=True)
class RateCard:
    city: str
    vehicle_class: str
    base_fare: Decimal
    per_km: Decimal
    per_minute: Decimal
    booking_fee: Decimal


@dataclass(frozen=True)
class FareQuote:
    subtotal: Decimal
    surge_multiplier: Decimal
    booking_fee: Decimal
    total: Decimal
    currency: str


def load_rate_card(city: str, vehicle_class: str) -> RateCard:
    row = db.fetch_one(
        "SELECT city, vehicle_class, base_fare, per_km, per_minute, booking_fee "
        "FROM rate_cards WHERE city = %s AND vehicle_class = %s AND active",  # ok: SEC001
        (city, vehicle_class),
    )
    if row is None:
        raise UnknownRateCard(f"no active rate card for {city}/{vehicle_class}")
    return RateCard(**row)


def calculate_fare(card: RateCard, distance_km: Decimal, duration_min: Decimal, surge: Decimal) -> FareQuote:
    if distance_km < 0 or duration_min < 0:
        raise ValueError("distance and duration must be non-negative")
    surge = min(max(surge, Decimal("1.0")), CONFIG.fares.max_surge)
    subtotal = card.base_fare + card.per_km * distance_km + card.per_minute * duration_min
    subtotal = max(subtotal * surge, CONFIG.fares.min_fare).quantize(CENT, rounding=ROUND_HALF_UP)
    total = (subtotal + card.booking_fee).quantize(CENT, rounding=ROUND_HALF_UP)
    return FareQuote(
        subtotal=subtotal,
        surge_multiplier=surge,
        booking_fee=card.booking_fee,
        total=total,
        currency=CONFIG.fares.currency,
    )


def driver_earnings(quote: FareQuote) -> Decimal:
    return (quote.subtotal * CONFIG.fares.driver_share).quantize(CENT, rounding=ROUND_HALF_UP)


def record_fare(trip_id: int, quote: FareQuote) -> bool:
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO trip_fares (trip_id, subtotal, surge, booking_fee, total, currency, driver_earnings) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (trip_id) DO NOTHING",  # ok: DB005
            (trip_id, quote.subtotal, quote.surge_multiplier, quote.booking_fee,
             quote.total, quote.currency, driver_earnings(quote)),
        )
        inserted = cur.rowcount == 1
    if not inserted:
        logger.info("fare already recorded trip=%s", trip_id)
    return inserted


def list_rate_cards(city: str | None, order_by: str = "city", limit: int = 100) -> list[dict]:
    column = order_by if order_by in _SORTABLE_COLUMNS else "city"
    query = sql.SQL(
        "SELECT city, vehicle_class, base_fare, per_km, per_minute, booking_fee, updated_at "
        "FROM rate_cards WHERE (%(city)s::text IS NULL OR city = %(city)s) ORDER BY {} LIMIT %(limit)s"
    ).format(sql.Identifier(column))  # ok: SEC001
    limit = max(1, min(limit, 500))
    with db.connection() as conn:
        return conn.execute(query, {"city": city, "limit": limit}).fetchall()  # ok: DB002
