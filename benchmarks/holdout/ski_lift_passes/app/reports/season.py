"""Season reports (v2). Plain `def` routes: FastAPI runs them in its threadpool."""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core import ReportingSession, get_reporting_session
from app.security import Principal, require_role

router = APIRouter(prefix="/v2/reports", tags=["reports"])
log = logging.getLogger("lifts.reports")

SORTABLE = {
    "time": "s.scanned_at",
    "lift": "s.lift_id, s.scanned_at",
    "pass": "s.pass_id, s.scanned_at",
}


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


@router.get("/lifts")
def rides_per_lift(
    day: date,
    principal: Principal = Depends(require_role("finance")),
    rs: Session = Depends(get_reporting_session),
) -> dict:
    start, end = _day_bounds(day)
    rows = rs.execute(  # ok: CON001
        text(
            "SELECT lift_id, count(*) AS rides FROM scans "
            "WHERE scanned_at >= :start AND scanned_at < :end GROUP BY lift_id"  # ok: DB006
        ),
        {"start": start, "end": end},
    ).all()
    log.info("lift report for %s requested by %s", day, principal.customer_id)
    return {"day": day.isoformat(), "rides_by_lift": {r.lift_id: r.rides for r in rows}}


def _csv_rows(season: str, order_by: str) -> Iterator[str]:
    sql = text(
        "SELECT s.id, s.lift_id, s.gate_id, s.scanned_at, p.barcode, p.kind "
        "FROM scans s JOIN ski_passes p ON p.id = s.pass_id "
        "WHERE p.season = :season ORDER BY " + order_by  # ok: SEC001
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["scan_id", "lift", "gate", "scanned_at", "barcode", "kind"])
    with ReportingSession() as rs:
        result = rs.execute(sql.execution_options(yield_per=2000), {"season": season})  # ok: DB002, RES003
        for row in result:
            writer.writerow(row)
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
    yield buf.getvalue()


@router.get("/scans.csv")
def scans_export(
    season: str,
    sort: str = "time",
    _: Principal = Depends(require_role("finance")),
) -> StreamingResponse:
    order_by = SORTABLE.get(sort)
    if order_by is None:
        raise HTTPException(422, f"sort must be one of {sorted(SORTABLE)}")
    if len(season) != 9 or season[4] != "-":
        raise HTTPException(422, "season looks like 2024-2025")
    return StreamingResponse(
        _csv_rows(season, order_by),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="scans-{season}.csv"'},
    )
