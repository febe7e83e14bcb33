"""Maintenance schedules per vehicle and the daily job that opens work orders."""
import asyncio
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field, model_validator

from .deps import create_pool, create_redis, current_dispatcher, get_conn

logger = logging.getLogger("fleet.maintenance")
router = APIRouter(prefix="/v1/maintenance", tags=["maintenance"])


class ScheduleIn(BaseModel):
    vehicle_id: int
    task: str = Field(min_length=3, max_length=120)
    every_km: int | None = Field(default=None, gt=0)
    every_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def needs_interval(self):
        if self.every_km is None and self.every_days is None:
            raise ValueError("set every_km, every_days or both")
        return self


@router.post("/schedules", status_code=201)
async def create_schedule(body: ScheduleIn, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    vehicle = await conn.fetchrow("SELECT fleet_id, odometer_km FROM vehicles WHERE id = $1", body.vehicle_id)
    if vehicle is None or vehicle["fleet_id"] not in user["fleet_ids"]:  # ok: SEC018
        raise HTTPException(status_code=404, detail="vehicle not found")
    schedule_id = await conn.fetchval(
        "INSERT INTO maintenance_schedules (vehicle_id, task, every_km, every_days, next_due_km, next_due_at) "
        "VALUES ($1, $2, $3, $4, $5 + $3, now() + make_interval(days => $4)) RETURNING id",
        body.vehicle_id, body.task, body.every_km, body.every_days, vehicle["odometer_km"],
    )
    logger.info("user %s created maintenance schedule %s for vehicle %s", user["user_id"], schedule_id, body.vehicle_id)
    return {"schedule_id": schedule_id}


@router.get("/due")
async def due_soon(fleet_id: int, after_id: int = 0, limit: int = Query(50, ge=1, le=200), user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:
        raise HTTPException(status_code=403, detail="not your fleet")
    rows = await conn.fetch(  # ok: DB001, DB002
        "SELECT s.id, v.plate, s.task, s.next_due_at, s.next_due_km, v.odometer_km FROM maintenance_schedules s "
        "JOIN vehicles v ON v.id = s.vehicle_id WHERE v.fleet_id = $1 AND s.id > $2 "
        "AND (s.next_due_at <= now() + interval '7 days' OR v.odometer_km >= s.next_due_km - 500) "
        "ORDER BY s.id LIMIT $3",
        fleet_id, after_id, limit,
    )
    return {"items": [dict(r) for r in rows], "next_after_id": rows[-1]["id"] if rows else None}


@router.post("/schedules/{schedule_id}/complete")
async def complete(schedule_id: int, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    async with conn.transaction():
        row = await conn.fetchrow(  # ok: DB004
            "SELECT s.id, s.every_km, s.every_days, v.fleet_id, v.odometer_km FROM maintenance_schedules s "
            "JOIN vehicles v ON v.id = s.vehicle_id WHERE s.id = $1 FOR UPDATE OF s",
            schedule_id,
        )
        if row is None or row["fleet_id"] not in user["fleet_ids"]:
            raise HTTPException(status_code=404, detail="schedule not found")
        await conn.execute(
            "UPDATE maintenance_schedules SET last_done_at = now(), next_due_km = $2 + every_km, "
            "next_due_at = now() + make_interval(days => every_days) WHERE id = $1",
            schedule_id, row["odometer_km"],
        )
        await conn.execute(
            "UPDATE work_orders SET closed_at = now(), closed_by = $2 WHERE schedule_id = $1 AND closed_at IS NULL",
            schedule_id, user["user_id"],
        )
    logger.info("user %s completed maintenance schedule %s", user["user_id"], schedule_id)
    return {"schedule_id": schedule_id, "status": "completed"}


async def open_due_work_orders() -> None:
    """Run daily by the maintenance CronJob; the Redis lock keeps overlapping runs out."""
    pool, redis = await create_pool(), create_redis()
    lock = redis.lock("fleet:maintenance:open-work-orders", timeout=600, blocking=False)
    try:
        if not await lock.acquire():  # ok: SCL003
            logger.info("another run holds the work-order lock, skipping")
            return
        try:
            async with pool.acquire() as conn:
                result = await conn.execute(
                    "INSERT INTO work_orders (schedule_id, opened_at) SELECT s.id, now() FROM maintenance_schedules s "
                    "JOIN vehicles v ON v.id = s.vehicle_id "
                    "WHERE s.next_due_at <= now() OR v.odometer_km >= s.next_due_km "
                    "ON CONFLICT (schedule_id) WHERE closed_at IS NULL DO NOTHING"
                )
            logger.info("work orders opened: %s", result)
        finally:
            await lock.release()
    finally:
        await redis.aclose()
        await pool.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(open_due_work_orders())
