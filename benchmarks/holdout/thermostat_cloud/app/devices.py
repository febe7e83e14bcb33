import logging
import pickle
from datetime import datetime

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from . import telemetry_store
from .deps import Account, get_current_account, get_db, get_redis

logger = logging.getLogger(__name__)
router = APIRouter()

DEVICE_COLUMNS = "id, name, model, firmware_version, room, setpoint_c, last_seen_at"
SUMMARY_TTL = 30


class SetpointChange(BaseModel):
    setpoint_c: float = Field(ge=5, le=35)
    hold_minutes: int | None = Field(default=None, ge=15, le=24 * 60)


@router.get("")
async def list_devices(
    sort: str = Query("name"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
    account: Account = Depends(get_current_account),
    db: asyncpg.Pool = Depends(get_db),
):
    rows = await db.fetch(
        f"SELECT {DEVICE_COLUMNS} FROM devices WHERE account_id = $1 "
        f"ORDER BY {sort} LIMIT $2 OFFSET $3",  # expect: SEC001
        account.id,
        limit,
        offset,
    )
    return {"devices": [dict(r) for r in rows], "limit": limit, "offset": offset}


@router.get("/{device_id}")
async def get_device(
    device_id: str,
    account: Account = Depends(get_current_account),
    db: asyncpg.Pool = Depends(get_db),
    redis=Depends(get_redis),
):
    cached = await redis.get(f"device-summary:{device_id}")
    if cached is not None:
        summary = pickle.loads(cached)  # expect: SEC004
        if summary["account_id"] == account.id:
            return summary
    row = await db.fetchrow(
        f"SELECT {DEVICE_COLUMNS}, account_id FROM devices WHERE id = $1 AND account_id = $2",  # ok: SEC001
        device_id,
        account.id,
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "device not found")
    summary = dict(row)
    await redis.set(f"device-summary:{device_id}", pickle.dumps(summary), ex=SUMMARY_TTL)
    return summary


@router.get("/{device_id}/history")
async def device_history(
    device_id: str,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "1h",
    account: Account = Depends(get_current_account),
    db: asyncpg.Pool = Depends(get_db),
):
    owner = await db.fetchval("SELECT account_id FROM devices WHERE id = $1", device_id)
    if owner != account.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "device not found")
    if start and end:
        try:
            return {"points": await telemetry_store.readings_between(db, device_id, start, end, bucket)}
        except ValueError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc
    rows = await db.fetch(  # expect: DB002
        "SELECT ts, temp_c, humidity, setpoint_c, hvac_mode FROM readings "
        "WHERE device_id = $1 ORDER BY ts DESC",
        device_id,
    )
    return {"points": [dict(r) for r in rows]}


@router.patch("/{device_id}/setpoint")
async def change_setpoint(
    device_id: str,
    change: SetpointChange,
    account: Account = Depends(get_current_account),
    db: asyncpg.Pool = Depends(get_db),
    redis=Depends(get_redis),
):
    updated = await db.fetchrow(  # todo-expect: SEC018
        "UPDATE devices SET setpoint_c = $2, hold_until = now() + make_interval(mins => $3) "
        "WHERE id = $1 RETURNING id, setpoint_c, hold_until",
        device_id,
        change.setpoint_c,
        change.hold_minutes or 0,
    )
    if updated is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "device not found")
    await redis.delete(f"device-summary:{device_id}")
    await redis.publish(f"device:{device_id}:commands", f"setpoint {change.setpoint_c:.1f}")
    logger.info("account %s set device %s to %.1f", account.id, device_id, change.setpoint_c)
    return dict(updated)
