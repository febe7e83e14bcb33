"""Public timetable search and the operations timetable upload."""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, UploadFile
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.auth import Principal, require_role
from ferry.db import get_session
from ferry.models import DeckBooking, Route, Sailing

logger = logging.getLogger("ferry.timetables")
router = APIRouter(prefix="/timetables", tags=["timetables"])

ACTIVE = ("held", "confirmed")
MAX_UPLOAD_BYTES = 2_000_000


class SailingOut(BaseModel):
    id: int
    route: str
    departs_at: datetime
    vessel: str
    car_space_left_m: Decimal


async def _car_space_left(session: AsyncSession, sailing: Sailing) -> Decimal:
    booked = await session.scalar(  # expect: DB001
        select(func.coalesce(func.sum(DeckBooking.lane_metres), 0)).where(
            DeckBooking.sailing_id == sailing.id,
            DeckBooking.deck == "car",
            DeckBooking.status.in_(ACTIVE),
        )
    )
    return sailing.car_deck_capacity_m - booked


@router.get("/{route_code}/sailings", response_model=list[SailingOut])
async def list_sailings(
    route_code: str,
    on: date | None = None,
    session: AsyncSession = Depends(get_session),
) -> list[SailingOut]:
    route = await session.scalar(select(Route).where(Route.code == route_code))
    if route is None:
        raise HTTPException(404, "unknown route")
    stmt = select(Sailing).where(Sailing.route_id == route.id, Sailing.status != "cancelled")
    if on is not None:
        stmt = stmt.where(func.date(Sailing.departs_at) == on)  # expect: DB006
    sailings = (await session.scalars(stmt.order_by(Sailing.departs_at))).all()  # expect: DB002
    out = []
    for sailing in sailings:
        out.append(
            SailingOut(
                id=sailing.id,
                route=route.code,
                departs_at=sailing.departs_at,
                vessel=sailing.vessel,
                car_space_left_m=await _car_space_left(session, sailing),
            )
        )
    return out


@router.post("/{route_code}/import", status_code=201)
async def import_timetable(
    route_code: str,
    upload: UploadFile,
    principal: Principal = Depends(require_role("ops")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:  # ok: SEC019
        raise HTTPException(413, "timetable file too large")
    route = await session.scalar(select(Route).where(Route.code == route_code))
    if route is None:
        raise HTTPException(404, "unknown route")
    text = (await upload.read()).decode("utf-8")
    created = 0
    for row in csv.DictReader(io.StringIO(text)):
        session.add(
            Sailing(
                route_id=route.id,
                vessel=row["vessel"],
                departs_at=datetime.fromisoformat(row["departs_at"]),
                car_deck_capacity_m=Decimal(row["car_deck_m"]),
                freight_capacity_m=Decimal(row["freight_m"]),
            )
        )
        await session.commit()  # expect: DB003
        created += 1
    logger.info("ops user %s imported %d sailings for %s", principal.customer_id, created, route.code)
    return {"route": route.code, "created": created}
