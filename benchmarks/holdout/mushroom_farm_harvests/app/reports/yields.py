"""Grower reports: weekly yields per strain and room sensor history."""

import csv
import io
import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..auth.accounts import require_grower
from ..db import get_db
from ..models import Account, Reading

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/yields/{strain}")
def weekly_yields(
    strain: str,
    start: date = Query(...),
    end: date = Query(...),
    account: Account = Depends(require_grower),
    db: Session = Depends(get_db),
):
    if end <= start or (end - start).days > 366:
        raise HTTPException(400, "choose a range of at most one year")
    rows = db.execute(text(f"SELECT date_trunc('week', harvested_at) AS week, count(*) AS batches, sum(weight_kg) AS kg FROM harvest_batches WHERE harvested_at >= :start AND harvested_at < :end AND strain = '{strain}' GROUP BY 1 ORDER BY 1"), {"start": start, "end": end}).all()  # expect: SEC001
    logger.info("weekly yields for %s requested by account %s", strain, account.id)
    return [{"week": r.week.date().isoformat(), "batches": r.batches, "kg": float(r.kg)} for r in rows]


@router.get("/rooms/{room_id}/day")
def room_day(
    room_id: int,
    day: date = Query(...),
    account: Account = Depends(require_grower),
    db: Session = Depends(get_db),
):
    """All readings for one room on one day, for the day chart."""
    readings = db.scalars(select(Reading).where(Reading.room_id == room_id, func.date(Reading.recorded_at) == day).order_by(Reading.recorded_at)).all()  # expect: DB006
    return [
        {
            "t": r.recorded_at.isoformat(),
            "temperature_c": float(r.temperature_c),
            "humidity_pct": float(r.humidity_pct),
            "co2_ppm": r.co2_ppm,
        }
        for r in readings
    ]


@router.get("/rooms/{room_id}/export.csv")
def room_export(room_id: int, account: Account = Depends(require_grower), db: Session = Depends(get_db)):
    """Full sensor history of a room as CSV, for the agronomist."""
    rows = db.execute(select(Reading.recorded_at, Reading.temperature_c, Reading.humidity_pct, Reading.co2_ppm).where(Reading.room_id == room_id).order_by(Reading.recorded_at)).all()  # expect: DB002, RES003
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["recorded_at", "temperature_c", "humidity_pct", "co2_ppm"])
    for r in rows:
        writer.writerow([r.recorded_at.isoformat(), r.temperature_c, r.humidity_pct, r.co2_ppm])
    logger.info("room %s export: %d readings for account %s", room_id, len(rows), account.id)
    return Response(
        buf.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="room-{room_id}-readings.csv"'},
    )
