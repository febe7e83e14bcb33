"""Turnaround report: how long repairs take, per technician and per camera make."""
import logging
from datetime import date, timedelta
from functools import lru_cache

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Ticket, User
from ..security import require_role

router = APIRouter(prefix="/reports", tags=["reports"])
logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 366
GROUPINGS = {"technician": Ticket.technician_id, "make": Ticket.camera_make}


@lru_cache(maxsize=256)  # ok: RES002
def _bank_holidays(year: int) -> frozenset[date]:
    """England & Wales fixed-date holidays; movable ones are added by ops each year."""
    return frozenset({date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)})


def _business_days(start: date, end: date) -> int:
    holidays = _bank_holidays(start.year) | _bank_holidays(end.year)
    total = (end - start).days + 1
    return sum(
        1
        for n in range(total)
        if (start + timedelta(days=n)).weekday() < 5 and start + timedelta(days=n) not in holidays
    )


@router.get("/turnaround")
def turnaround(
    start: date = Query(...),
    end: date = Query(...),
    group_by: str = Query(default="technician"),
    _admin: User = Depends(require_role("admin")),
    db: Session = Depends(get_db),
):
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise HTTPException(status_code=422, detail=f"range must be 0-{MAX_RANGE_DAYS} days")
    column = GROUPINGS.get(group_by)
    if column is None:
        raise HTTPException(status_code=422, detail=f"group_by must be one of {sorted(GROUPINGS)}")

    duration = func.extract("epoch", Ticket.closed_at - Ticket.created_at) / 86400.0
    stmt = (
        select(
            column.label("key"),
            func.count().label("closed"),
            func.avg(duration).label("avg_days"),
            func.percentile_cont(0.9).within_group(duration).label("p90_days"),
        )
        .where(Ticket.closed_at >= start, Ticket.closed_at < end + timedelta(days=1))
        .group_by(column)
        .order_by(func.count().desc())
        .limit(200)
    )
    rows = db.execute(stmt).all()

    names = {}
    if group_by == "technician":
        ids = [r.key for r in rows if r.key is not None]
        names = dict(db.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())

    result = [
        {
            "key": names.get(r.key, r.key),
            "closed": r.closed,
            "avg_days": round(float(r.avg_days or 0), 1),
            "p90_days": round(float(r.p90_days or 0), 1),
        }
        for r in rows  # ok: DB001
    ]
    logger.info("turnaround report %s..%s by %s: %d groups", start, end, group_by, len(result))
    return {"start": start, "end": end, "business_days": _business_days(start, end), "groups": result}
