"""Automatic driver assignment, run by the dispatch worker for trips nobody picked by hand.

Notifications go through the outbox table in the same transaction; the outbox
relay (a separate worker) sends the texts and marks them delivered.
"""
import json
import logging
from datetime import date

import psycopg2
from psycopg2 import errorcodes

from charter.db import Database

logger = logging.getLogger(__name__)


class NoDriverAvailable(Exception):
    pass


def assign_next_available(database: Database, trip_id: int) -> int:
    """Give the trip to the least-busy free driver; returns the driver id."""
    with database.connection() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, trip_date, pickup_time FROM trips WHERE id = %s FOR UPDATE", (trip_id,))
        trip = cur.fetchone()
        if trip is None:
            raise LookupError(f"trip {trip_id} not found")

        cur.execute(
            """SELECT d.id, d.mobile
                 FROM drivers d
                WHERE d.active
                  AND NOT EXISTS (SELECT 1 FROM assignments a
                                   WHERE a.driver_id = d.id AND a.trip_date = %s)
                ORDER BY d.trips_this_month, d.id
                LIMIT 1
                FOR UPDATE OF d SKIP LOCKED""",
            (trip["trip_date"],),
        )
        driver = cur.fetchone()
        if driver is None:
            raise NoDriverAvailable(f"no free driver on {trip['trip_date']}")

        try:
            # assignments has UNIQUE (driver_id, trip_date): the database has the last word.
            cur.execute(
                "INSERT INTO assignments (trip_id, driver_id, trip_date, assigned_by)"
                " VALUES (%s, %s, %s, NULL)",  # ok: DB005
                (trip_id, driver["id"], trip["trip_date"]),
            )
        except psycopg2.IntegrityError as exc:
            if exc.pgcode == errorcodes.UNIQUE_VIOLATION:
                raise NoDriverAvailable(f"driver {driver['id']} was booked concurrently") from exc
            raise

        cur.execute(
            "UPDATE drivers SET trips_this_month = trips_this_month + 1 WHERE id = %s",  # ok: DB004
            (driver["id"],),
        )
        cur.execute(
            "INSERT INTO outbox (topic, dedupe_key, payload) VALUES (%s, %s, %s)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            (
                "driver.assigned",
                f"assign-{trip_id}-{driver['id']}",
                json.dumps({"trip_id": trip_id, "driver_id": driver["id"], "mobile": driver["mobile"]}),
            ),
        )
    logger.info("trip %s auto-assigned to driver %s", trip_id, driver["id"])
    return driver["id"]


def assign_unstaffed(database: Database, on: date) -> dict[str, int]:
    """Batch entry point for the dispatch worker."""
    with database.cursor() as cur:
        cur.execute(
            "SELECT t.id FROM trips t LEFT JOIN assignments a ON a.trip_id = t.id"
            " WHERE t.trip_date = %s AND a.trip_id IS NULL ORDER BY t.pickup_time LIMIT 200",
            (on,),
        )
        trip_ids = [r["id"] for r in cur.fetchall()]
    done = {"assigned": 0, "unstaffed": 0}
    for trip_id in trip_ids:
        try:
            assign_next_available(database, trip_id)  # ok: DB001
            done["assigned"] += 1
        except NoDriverAvailable:
            logger.warning("trip %s still unstaffed on %s", trip_id, on)
            done["unstaffed"] += 1
    return done
