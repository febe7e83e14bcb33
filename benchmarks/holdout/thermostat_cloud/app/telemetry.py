import json
import logging
import time
from datetime import datetime
from typing import Literal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from . import telemetry_store, weather_client
from .config import get_settings
from .deps import get_db, get_device_account, get_redis

logger = logging.getLogger(__name__)
router = APIRouter()
settings = get_settings()

_rate_windows: dict[str, tuple[int, int]] = {}
_live_state: dict[str, dict] = {}


class Reading(BaseModel):
    ts: datetime
    temp_c: float = Field(ge=-40, le=85)
    humidity: float | None = Field(default=None, ge=0, le=100)
    setpoint_c: float = Field(ge=5, le=35)
    hvac_mode: Literal["off", "heat", "cool", "auto", "fan"]


class TelemetryBatch(BaseModel):
    firmware: str = Field(max_length=32)
    readings: list[Reading] = Field(min_length=1, max_length=500)


def _allow(device_id: str) -> bool:
    minute = int(time.time() // 60)
    window, count = _rate_windows.get(device_id, (minute, 0))
    if window != minute:
        count = 0
    if count >= settings.telemetry_rate_per_minute:
        return False
    _rate_windows[device_id] = (minute, count + 1)  # expect: SCL001, RES002
    return True


@router.post("/{device_id}", status_code=status.HTTP_202_ACCEPTED)
async def ingest(
    device_id: str,
    batch: TelemetryBatch,
    request: Request,
    _: str = Depends(get_device_account),
    db: asyncpg.Pool = Depends(get_db),
    redis=Depends(get_redis),
):
    if not _allow(device_id):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "slow down")

    try:
        await telemetry_store.insert_readings(db, device_id, batch.readings)
    except asyncpg.PostgresError:
        logger.exception("telemetry insert failed device=%s", device_id)
        return {"accepted": len(batch.readings)}  # expect: ERR002

    latest = max(batch.readings, key=lambda r: r.ts)
    previous = _live_state.get(device_id, {})
    location = await db.fetchrow("SELECT lat, lon FROM devices WHERE id = $1", device_id)

    hint = None
    if location and location["lat"] is not None:
        outdoor_c, humidity = weather_client.get_outdoor_conditions(  # expect: CON001
            location["lat"], location["lon"]
        )
        offset = weather_client.heating_offset(outdoor_c, latest.setpoint_c)
        if offset and latest.hvac_mode in ("heat", "auto"):
            hint = {"flow_offset_c": offset, "outdoor": weather_client.describe(outdoor_c, humidity)}
            await redis.publish(f"device:{device_id}:hints", json.dumps(hint))

    _live_state[device_id] = {  # expect: CON002, SCL001, RES002
        **previous,
        "temp_c": latest.temp_c,
        "setpoint_c": latest.setpoint_c,
        "hvac_mode": latest.hvac_mode,
        "firmware": batch.firmware,
        "last_seen": latest.ts.isoformat(),
        "readings_seen": previous.get("readings_seen", 0) + len(batch.readings),
    }
    logger.info(
        "ingested %d readings device=%s request_id=%s",
        len(batch.readings),
        device_id,
        request.state.request_id,
    )
    return {"accepted": len(batch.readings), "hint": hint}


@router.get("/{device_id}/live")
async def live(device_id: str, _: str = Depends(get_device_account)):
    state = _live_state.get(device_id)
    if state is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no recent telemetry")
    return state
