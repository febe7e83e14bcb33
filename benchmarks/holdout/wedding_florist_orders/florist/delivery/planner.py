"""Delivery-run planner: split a day's weddings across vans by postcode district and time window."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache

from psycopg import Connection

DISTRICT_RE = re.compile(r"^([A-Z]{1,2}\d{1,2}[A-Z]?)\s*\d[A-Z]{2}$")

DAY_SQL = """
SELECT o.id, o.couple_name, o.venue, o.delivery_address, o.postcode, o.delivery_window_start,
       o.couple_phone, count(l.id) AS lines, coalesce(sum(l.stems), 0) AS stems
FROM flower_order o
LEFT JOIN order_line l ON l.order_id = o.id
WHERE o.wedding_date = %s AND o.status IN ('booked', 'ready')
GROUP BY o.id
ORDER BY o.delivery_window_start NULLS LAST, o.postcode
"""


@dataclass
class Stop:
    order_id: int
    couple_name: str
    venue: str
    address: str
    postcode: str
    window_start: time | None
    stems: int


@dataclass
class DeliveryRun:
    van: int
    stops: list[Stop] = field(default_factory=list)

    @property
    def stems(self) -> int:
        return sum(stop.stems for stop in self.stops)


@lru_cache(maxsize=2048)  # ok: RES002
def postcode_district(postcode: str) -> str:
    cleaned = " ".join(postcode.upper().split())
    match = DISTRICT_RE.match(cleaned)
    return match.group(1) if match else cleaned[:4]


def load_stops(conn: Connection, delivery_date: date) -> list[Stop]:
    rows = conn.execute(DAY_SQL, (delivery_date,)).fetchall()  # ok: DB001, DB002
    return [
        Stop(
            order_id=row["id"],
            couple_name=row["couple_name"],
            venue=row["venue"],
            address=row["delivery_address"],
            postcode=row["postcode"] or "",
            window_start=row["delivery_window_start"],
            stems=int(row["stems"]),
        )
        for row in rows
    ]


def plan_runs(conn: Connection, delivery_date: date, vans: int) -> list[DeliveryRun]:
    """Group stops by district, then give each district to the least-loaded van."""
    if vans < 1:
        raise ValueError("need at least one van")
    by_district: dict[str, list[Stop]] = defaultdict(list)
    for stop in load_stops(conn, delivery_date):
        by_district[postcode_district(stop.postcode)].append(stop)

    runs = [DeliveryRun(van=number) for number in range(1, vans + 1)]
    districts = sorted(by_district.items(), key=lambda item: -sum(s.stems for s in item[1]))
    for _, stops in districts:
        van = min(runs, key=lambda run: (run.stems, len(run.stops)))
        van.stops.extend(stops)
    for run in runs:
        run.stops.sort(key=lambda s: (s.window_start or time.max, s.postcode))
    return [run for run in runs if run.stops]
