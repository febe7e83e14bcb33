"""Box-office exports: subscriber lists and door lists as CSV downloads."""
import csv
import logging
import os
import time

import psycopg
from fastapi import APIRouter, Depends, HTTPException, Query

from ..auth import Principal, current_principal
from ..settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/exports", tags=["exports"])

SUBSCRIBER_SQL = """
SELECT s.id, p.full_name, p.email, st.section, st.row_label, st.number, s.series_id, s.price_cents, s.status
FROM subscriptions s
JOIN patrons p ON p.id = s.patron_id
JOIN seats st ON st.id = s.seat_id
WHERE s.season = %s
ORDER BY s.series_id, st.section, st.row_label, st.number
"""


def _box_office(principal: Principal) -> None:
    if "box_office" not in principal.roles:
        raise HTTPException(403, "box office only")


def _door_list_rows(series_id: int) -> list[tuple]:
    s = get_settings()
    with psycopg.connect(s.psycopg_dsn, connect_timeout=s.db_connect_timeout) as conn:
        return conn.execute(
            "SELECT p.full_name, st.section, st.row_label, st.number FROM subscriptions s "
            "JOIN patrons p ON p.id = s.patron_id JOIN seats st ON st.id = s.seat_id "
            "WHERE s.series_id = %s AND s.status = 'active' ORDER BY p.full_name",
            (series_id,),
        ).fetchall()


@router.post("/subscribers")
async def export_subscribers(
    season: str = Query(pattern=r"^\d{4}-\d{4}$"),
    principal: Principal = Depends(current_principal),
) -> dict:
    _box_office(principal)
    s = get_settings()
    with psycopg.connect(s.psycopg_dsn, connect_timeout=s.db_connect_timeout) as conn:  # expect: CON001
        rows = conn.execute(SUBSCRIBER_SQL, (season,)).fetchall()  # expect: RES003

    name = f"subscribers-{season}-{int(time.time())}.csv"  # ok: SEC015
    path = os.path.join(s.export_dir, name)
    fh = open(path, "w", newline="")  # expect: RES001, SCL002
    writer = csv.writer(fh)
    writer.writerow(["subscription", "name", "email", "section", "row", "seat", "series", "price_cents", "status"])
    writer.writerows(rows)
    fh.close()
    log.info("%s exported %d subscribers for %s to %s", principal.subject, len(rows), season, name)
    return {"file": name, "rows": len(rows), "download": f"/exports/files/{name}"}


@router.get("/door-list/{series_id}")
async def door_list(series_id: int, principal: Principal = Depends(current_principal)) -> dict:
    _box_office(principal)
    rows = _door_list_rows(series_id)  # expect: CON001
    return {
        "series_id": series_id,
        "count": len(rows),
        "patrons": [
            {"name": name, "seat": f"{section} {row_label}{number}"}
            for name, section, row_label, number in rows
        ],
    }
