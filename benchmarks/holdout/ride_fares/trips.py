"""Trip completion and driver weekly statements."""
from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

import psycopg

import db
import fares
from config import CONFIG
from events import EventPublisher, enqueue

logger = logging.getLogger(__name__)

_publisher = EventPublisher()


class TripStateError(RuntimeError):
    pass


def complete_trip(trip_id: int, distance_km: Decimal, duration_min: Decimal) -> fares.FareQuote:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE trips SET status = 'completed', completed_at = now(), distance_km = %s, duration_min = %s "
            "WHERE id = %s AND status = 'in_progress' "
            "RETURNING driver_id, rider_id, city, vehicle_class, surge_multiplier",
            (distance_km, duration_min, trip_id),
        )
        trip = cur.fetchone()
        if trip is None:
            raise TripStateError(f"trip {trip_id} is not in progress")
        card = fares.load_rate_card(trip["city"], trip["vehicle_class"])
        quote = fares.calculate_fare(card, distance_km, duration_min, trip["surge_multiplier"])
        cur.execute(
            "INSERT INTO trip_fares (trip_id, subtotal, surge, booking_fee, total, currency, driver_earnings) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (trip_id, quote.subtotal, quote.surge_multiplier, quote.booking_fee,
             quote.total, quote.currency, fares.driver_earnings(quote)),
        )
        cur.execute(
            "INSERT INTO balance_entries (driver_id, trip_id, amount) VALUES (%s, %s, %s)",
            (trip["driver_id"], trip_id, fares.driver_earnings(quote)),
        )
        cur.execute(
            "UPDATE driver_balances SET balance = balance + %s WHERE driver_id = %s",  # ok: DB004
            (fares.driver_earnings(quote), trip["driver_id"]),
        )

    _publisher.publish(  # expect: REL004
        CONFIG.kafka.trips_topic,
        key=str(trip_id),
        payload={"type": "trip.completed", "trip_id": trip_id, "rider_id": trip["rider_id"],
                 "driver_id": trip["driver_id"], "total": str(quote.total), "currency": quote.currency},
        event_id=f"trip-completed-{trip_id}",
    )
    _publisher.flush_or_raise()
    logger.info("trip completed trip=%s total=%s", trip_id, quote.total)
    return quote


def cancel_trip(trip_id: int, reason: str) -> bool:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE trips SET status = 'cancelled', cancelled_at = now(), cancel_reason = %s "
            "WHERE id = %s AND status IN ('requested', 'accepted') RETURNING rider_id",
            (reason[:200], trip_id),
        )
        row = cur.fetchone()
        if row is None:
            return False
        enqueue(cur, CONFIG.kafka.trips_topic, str(trip_id),
                {"type": "trip.cancelled", "trip_id": trip_id, "rider_id": row["rider_id"]})  # ok: REL004
    logger.info("trip cancelled trip=%s", trip_id)
    return True


def _rider_first_name(conn: psycopg.Connection, rider_id: int) -> str:
    row = conn.execute("SELECT first_name FROM riders WHERE id = %s", (rider_id,)).fetchone()
    return row["first_name"] if row else "Rider"


def driver_statement(driver_id: int, week_start: date) -> dict:
    week_end = week_start + timedelta(days=7)
    with db.connection() as conn:
        trips = conn.execute(
            "SELECT t.id, t.rider_id, t.completed_at, f.total, f.driver_earnings "
            "FROM trips t JOIN trip_fares f ON f.trip_id = t.id "
            "WHERE t.driver_id = %s AND t.completed_at >= %s AND t.completed_at < %s "
            "ORDER BY t.completed_at",
            (driver_id, week_start, week_end),
        ).fetchall()
        lines = []
        for trip in trips:
            lines.append(
                {
                    "trip_id": trip["id"],
                    "rider": _rider_first_name(conn, trip["rider_id"]),  # expect: DB001
                    "completed_at": trip["completed_at"].isoformat(),
                    "fare": str(trip["total"]),
                    "earnings": str(trip["driver_earnings"]),
                }
            )
    total = sum((Decimal(line["earnings"]) for line in lines), Decimal("0"))
    return {"driver_id": driver_id, "week_start": week_start.isoformat(), "trips": lines, "total": str(total)}
