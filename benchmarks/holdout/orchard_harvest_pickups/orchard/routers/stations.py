"""Weigh-station health: scales report battery and firmware every few minutes.

The live state goes to Redis, shared by every API replica, with a TTL so a
scale that stops reporting drops off the board by itself.
"""
import datetime as dt
import logging

import redis
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import current_device, current_user
from ..db import get_redis, get_session
from ..models import Device, Farm, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/stations", tags=["weigh-station"])

HEARTBEAT_TTL_SECONDS = 15 * 60
MAX_DEVICES = 200


class HeartbeatIn(BaseModel):
    battery_pct: int = Field(ge=0, le=100)
    firmware: str = Field(max_length=32)
    queue_depth: int = Field(ge=0, default=0)


def _key(device_id: str) -> str:
    return f"orchard:station:{device_id}"


@router.post("/heartbeat", status_code=status.HTTP_204_NO_CONTENT)
def heartbeat(body: HeartbeatIn, device: Device = Depends(current_device)) -> None:
    state = {
        "battery_pct": body.battery_pct,
        "firmware": body.firmware,
        "queue_depth": body.queue_depth,
        "seen_at": dt.datetime.now(dt.timezone.utc).isoformat(),
    }
    try:
        pipe = get_redis().pipeline()
        pipe.hset(_key(device.id), mapping=state)  # ok: CON002, SCL001
        pipe.expire(_key(device.id), HEARTBEAT_TTL_SECONDS)
        pipe.execute()
    except redis.RedisError:
        logger.warning("heartbeat from %s not recorded: redis unavailable", device.id, exc_info=True)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Try again shortly")


@router.get("/status")
def station_status(farm: str, user: User = Depends(current_user), session: Session = Depends(get_session)) -> dict:
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    devices = session.scalars(
        select(Device)
        .join(Farm, Farm.id == Device.farm_id)
        .where(Farm.slug == farm, Device.active.is_(True))
        .order_by(Device.id)
        .limit(MAX_DEVICES)
    ).all()
    try:
        pipe = get_redis().pipeline()
        for device in devices:
            pipe.hgetall(_key(device.id))
        states = pipe.execute()
    except redis.RedisError:
        logger.warning("station status degraded: redis unavailable", exc_info=True)
        states = [None] * len(devices)

    board = []
    for device, state in zip(devices, states):
        decoded = {k.decode(): v.decode() for k, v in (state or {}).items()}
        board.append({
            "device": device.id,
            "label": device.label,
            "online": bool(decoded),
            "state": decoded or None,
            "status_known": state is not None,
        })
    return {"farm": farm, "stations": board}
