"""Finance and ops reports over the read replica."""
from __future__ import annotations

import csv
import io
import logging
from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import text

from app.core import ReportingSession
from app.security import Principal, require_role

router = APIRouter(prefix="/reports", tags=["reports"])
log = logging.getLogger("lifts.reports")


def _rides_per_lift(day: date) -> dict[int, int]:
    with ReportingSession() as rs:
        rows = rs.execute(
            text(
                "SELECT lift_id, count(*) AS rides FROM scans "
                "WHERE date(scanned_at) = :day GROUP BY lift_id"  # expect: DB006
            ),
            {"day": day},
        ).all()
    return {r.lift_id: r.rides for r in rows}


def _revenue(day: date) -> dict[str, int]:
    with ReportingSession() as rs:
        rows = rs.execute(
            text(
                "SELECT kind, coalesce(sum(price_cents), 0) AS cents FROM ski_passes "
                "WHERE valid_from = :day AND status <> 'refunded' GROUP BY kind"
            ),
            {"day": day},
        ).all()
    return {r.kind: int(r.cents) for r in rows}


@router.get("/daily")
async def daily_summary(day: date, principal: Principal = Depends(require_role("finance"))) -> dict:
    rides = _rides_per_lift(day)  # expect: CON001
    revenue = _revenue(day)  # expect: CON001
    log.info("daily report for %s requested by %s", day, principal.customer_id)
    return {
        "day": day.isoformat(),
        "rides_by_lift": rides,
        "total_rides": sum(rides.values()),
        "revenue_cents": revenue,
    }


@router.get("/scans.csv")
async def scans_export(
    season: str,
    order: str = "s.scanned_at",
    _: Principal = Depends(require_role("finance")),
) -> Response:
    sql = text(
        "SELECT s.id, s.lift_id, s.gate_id, s.scanned_at, p.barcode, p.kind "
        "FROM scans s JOIN ski_passes p ON p.id = s.pass_id "
        f"WHERE p.season = :season ORDER BY {order}"  # expect: SEC001
    )
    with ReportingSession() as rs:
        rows = rs.execute(sql, {"season": season}).fetchall()  # expect: CON001, DB002
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["scan_id", "lift", "gate", "scanned_at", "barcode", "kind"])
    writer.writerows(rows)
    return Response(
        buf.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="scans-{season}.csv"'},
    )
