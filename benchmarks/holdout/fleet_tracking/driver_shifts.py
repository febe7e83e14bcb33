"""Driver shift start and end, and hours-of-service summaries."""
import logging

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from .deps import current_dispatcher, current_driver, get_conn

logger = logging.getLogger("fleet.shifts")
router = APIRouter(prefix="/v1/shifts", tags=["shifts"])


class ShiftStart(BaseModel):
    vehicle_id: int
    odometer_km: float = Field(ge=0)


class ShiftEnd(BaseModel):
    odometer_km: float = Field(ge=0)


@router.post("/start", status_code=201)
async def start_shift(body: ShiftStart, driver: dict = Depends(current_driver), conn=Depends(get_conn)):
    async with conn.transaction():
        shift = await conn.fetchrow(  # ok: DB005
            "INSERT INTO driver_shifts (driver_id, vehicle_id, started_at, start_odometer_km) "
            "VALUES ($1, $2, now(), $3) ON CONFLICT (driver_id) WHERE ended_at IS NULL DO NOTHING "
            "RETURNING id, started_at",
            driver["driver_id"], body.vehicle_id, body.odometer_km,
        )
        if shift is None:
            raise HTTPException(status_code=409, detail="you already have an open shift")
        claimed = await conn.execute(  # ok: DB004, DB005
            "UPDATE vehicles SET current_driver_id = $1 "
            "WHERE id = $2 AND fleet_id = $3 AND current_driver_id IS NULL AND retired_at IS NULL",
            driver["driver_id"], body.vehicle_id, driver["fleet_id"],
        )
        if claimed == "UPDATE 0":
            raise HTTPException(status_code=409, detail="vehicle is not available")
    logger.info("driver %s started shift %s on vehicle %s", driver["driver_id"], shift["id"], body.vehicle_id)
    return {"shift_id": shift["id"], "started_at": shift["started_at"]}


@router.post("/end")
async def end_shift(body: ShiftEnd, driver: dict = Depends(current_driver), conn=Depends(get_conn)):
    async with conn.transaction():
        shift = await conn.fetchrow(  # ok: DB004
            "UPDATE driver_shifts SET ended_at = now(), end_odometer_km = $2 "
            "WHERE driver_id = $1 AND ended_at IS NULL AND start_odometer_km <= $2 "
            "RETURNING id, vehicle_id, started_at, ended_at",
            driver["driver_id"], body.odometer_km,
        )
        if shift is None:
            raise HTTPException(status_code=409, detail="no open shift, or odometer below the start reading")
        await conn.execute(
            "UPDATE vehicles SET current_driver_id = NULL, odometer_km = GREATEST(odometer_km, $2) "
            "WHERE id = $1 AND current_driver_id = $3",
            shift["vehicle_id"], body.odometer_km, driver["driver_id"],
        )
    logger.info("driver %s ended shift %s", driver["driver_id"], shift["id"])
    return {"shift_id": shift["id"], "hours": (shift["ended_at"] - shift["started_at"]).total_seconds() / 3600}


@router.get("/me/hours")
async def my_hours(driver: dict = Depends(current_driver), conn=Depends(get_conn)):
    rows = await conn.fetch(  # ok: DB002
        "SELECT date_trunc('day', started_at) AS day, "
        "sum(extract(epoch FROM coalesce(ended_at, now()) - started_at)) / 3600 AS hours "
        "FROM driver_shifts WHERE driver_id = $1 AND started_at >= now() - interval '14 days' "
        "GROUP BY 1 ORDER BY 1",
        driver["driver_id"],
    )
    return {"days": [{"day": r["day"].date().isoformat(), "hours": round(float(r["hours"]), 2)} for r in rows]}


@router.get("/fleets/{fleet_id}/open")
async def open_shifts(fleet_id: int, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:  # ok: SEC018
        raise HTTPException(status_code=403, detail="not your fleet")
    rows = await conn.fetch(  # ok: DB001, DB002
        "SELECT s.id, d.full_name, v.plate, s.started_at FROM driver_shifts s "
        "JOIN drivers d ON d.id = s.driver_id JOIN vehicles v ON v.id = s.vehicle_id "
        "WHERE v.fleet_id = $1 AND s.ended_at IS NULL ORDER BY s.started_at LIMIT 500",
        fleet_id,
    )
    return {"shifts": [dict(r) for r in rows]}
