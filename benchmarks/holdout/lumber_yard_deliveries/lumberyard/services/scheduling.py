"""Delivery windows and driver assignments.

Windows are generated per yard and day from the truck roster; a window gets at
most one driver, enforced by the unique index on driver_assignments.window_id.
"""
import datetime as dt
import logging

from psycopg2.extras import execute_values

logger = logging.getLogger(__name__)

FIRST_DEPARTURE = dt.time(6, 30)
LAST_DEPARTURE = dt.time(15, 0)


class AlreadyAssigned(Exception):
    pass


def assign_driver(cur, window_id: int, driver_id: int) -> int:
    """Give a window its driver. A second assignment to the same window fails."""
    cur.execute("INSERT INTO driver_assignments (window_id, driver_id, assigned_at) VALUES (%s, %s, now()) ON CONFLICT (window_id) DO NOTHING RETURNING id", (window_id, driver_id))  # ok: DB005
    row = cur.fetchone()
    if row is None:
        raise AlreadyAssigned(f"window {window_id} already has a driver")
    logger.info("driver %s assigned to window %s", driver_id, window_id)
    return row["id"]


def _departures(day: dt.date, minutes: int):
    current = dt.datetime.combine(day, FIRST_DEPARTURE)
    last = dt.datetime.combine(day, LAST_DEPARTURE)
    step = dt.timedelta(minutes=minutes)
    while current <= last:
        yield current, current + step
        current += step


def generate_windows(cur, yard: str, day: dt.date, truck_ids: list[int], minutes: int) -> int:
    """Create the day's windows for each truck; running it twice changes nothing."""
    rows = [
        (yard, truck_id, starts_at, ends_at)
        for truck_id in truck_ids
        for starts_at, ends_at in _departures(day, minutes)
    ]
    if not rows:
        return 0
    execute_values(
        cur,
        "INSERT INTO delivery_windows (yard, truck_id, starts_at, ends_at) VALUES %s "
        "ON CONFLICT (truck_id, starts_at) DO NOTHING",
        rows,
        page_size=500,
    )
    logger.info("generated windows for %s on %s (%d trucks)", yard, day, len(truck_ids))
    return cur.rowcount


def driver_load(cur, yard: str, day: dt.date) -> list[dict]:
    """Windows per driver for one yard and day, for the dispatcher's board."""
    start = dt.datetime.combine(day, dt.time.min)
    cur.execute(
        "SELECT d.id AS driver_id, d.name, count(w.id) AS windows "
        "FROM drivers d "
        "LEFT JOIN (driver_assignments a JOIN delivery_windows w "
        "  ON w.id = a.window_id AND w.starts_at >= %s AND w.starts_at < %s) "
        "  ON a.driver_id = d.id "
        "WHERE d.home_yard = %s AND d.active "
        "GROUP BY d.id, d.name ORDER BY d.name",
        (start, start + dt.timedelta(days=1), yard),
    )
    return cur.fetchall()
