"""Operator reports: per-charger utilisation and the session log for a site."""
import logging
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import Principal, require_operator
from evcharge.db import get_session
from evcharge.models import ChargingSession, Driver, Site

router = APIRouter(prefix="/operator/sites", tags=["reports"])
log = logging.getLogger(__name__)

UTILISATION_SQL = """
SELECT c.id AS charger_id,
       count(s.id) AS sessions,
       coalesce(sum(s.energy_wh), 0) AS energy_wh,
       coalesce(sum(extract(epoch FROM (s.stopped_at - s.started_at))), 0) AS busy_seconds
  FROM chargers c
  LEFT JOIN charging_sessions s
    ON s.charger_id = c.id AND s.started_at >= :since AND s.started_at < :until
 WHERE c.site_id = :site_id
 GROUP BY c.id
"""


async def _site_for(db: AsyncSession, site_id: int, operator: Principal) -> Site:
    site = await db.get(Site, site_id)
    if site is None or site.operator_id != operator.operator_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown site")
    return site


async def _driver_email(db: AsyncSession, driver_id: int) -> str:
    return await db.scalar(select(Driver.email).where(Driver.id == driver_id))


@router.get("/{site_id}/utilisation")
async def utilisation(
    site_id: int,
    since: datetime,
    until: datetime,
    sort: str = "energy_wh",
    operator: Principal = Depends(require_operator),
    db: AsyncSession = Depends(get_session),
):
    await _site_for(db, site_id, operator)
    stmt = text(UTILISATION_SQL + f" ORDER BY {sort} DESC")  # expect: SEC001
    rows = (await db.execute(stmt, {"site_id": site_id, "since": since, "until": until})).mappings().all()
    return {"site_id": site_id, "chargers": [dict(r) for r in rows]}


@router.get("/{site_id}/sessions")
async def session_log(
    site_id: int,
    status_filter: str | None = Query(None, alias="status"),
    operator: Principal = Depends(require_operator),
    db: AsyncSession = Depends(get_session),
):
    await _site_for(db, site_id, operator)
    stmt = select(ChargingSession).where(ChargingSession.site_id == site_id)
    if status_filter:
        stmt = stmt.where(ChargingSession.status == status_filter)
    sessions = (await db.scalars(stmt.order_by(ChargingSession.started_at.desc()))).all()  # expect: DB002

    out = []
    for s in sessions:
        out.append({
            "id": s.id,
            "charger_id": s.charger_id,
            "driver": await _driver_email(db, s.driver_id),  # expect: DB001
            "status": s.status,
            "started_at": s.started_at.isoformat(),
            "stopped_at": s.stopped_at.isoformat() if s.stopped_at else None,
            "energy_wh": s.energy_wh,
        })
    log.info("operator %s pulled %d sessions for site %s", operator.operator_id, len(out), site_id)
    return {"site_id": site_id, "sessions": out}
