import hashlib
import hmac
import logging
import os
import secrets

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import door_client
from app.auth import Principal, require_customer
from app.db import Locker, Parcel, get_session

router = APIRouter()
logger = logging.getLogger(__name__)

PICKUP_CODE_PEPPER = os.environ.get("PICKUP_CODE_PEPPER", "").encode()
MAX_ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 900

_redis = aioredis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    socket_timeout=2,
    socket_connect_timeout=2,
)


def new_pickup_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010


def hash_pickup_code(code: str, tracking_number: str) -> str:
    return hmac.new(PICKUP_CODE_PEPPER, f"{tracking_number}:{code}".encode(), hashlib.sha256).hexdigest()  # ok: SEC009


class CollectIn(BaseModel):
    code: str = Field(min_length=6, max_length=6, pattern="^[0-9]+$")


@router.post("/{parcel_id}/collect")
async def collect_parcel(
    parcel_id: int,
    body: CollectIn,
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    attempts_key = f"pickup:attempts:{parcel_id}"
    attempts = await _redis.incr(attempts_key)  # ok: SCL001
    if attempts == 1:
        await _redis.expire(attempts_key, ATTEMPT_WINDOW_SECONDS)
    if attempts > MAX_ATTEMPTS:
        raise HTTPException(429, "too many attempts, try again later")

    parcel = await session.get(Parcel, parcel_id)
    if parcel is None or parcel.recipient_id != principal.sub:
        raise HTTPException(404, "parcel not found")
    expected = hash_pickup_code(body.code, parcel.tracking_number)
    if not hmac.compare_digest(parcel.pickup_code_hash, expected):
        raise HTTPException(403, "wrong pickup code")
    if parcel.fee_cents > parcel.fee_paid_cents:
        raise HTTPException(402, "storage fee outstanding")

    result = await session.execute(  # ok: DB005
        update(Parcel)
        .where(Parcel.id == parcel_id, Parcel.status == "stored")
        .values(status="collected", picked_up_at=func.now())
        .returning(Parcel.locker_id)
    )
    locker_id = result.scalar_one_or_none()
    if locker_id is None:
        await session.rollback()
        raise HTTPException(409, "parcel already collected")
    await session.execute(update(Locker).where(Locker.id == locker_id).values(status="free"))
    await session.commit()

    await _redis.delete(attempts_key)
    try:
        await door_client.open_door(locker_id, command_id=f"collect-{parcel_id}")  # ok: REL004
    except door_client.DoorCommandError:
        logger.exception("door for parcel %s did not open, restoring stored state", parcel_id)
        await session.execute(
            update(Parcel).where(Parcel.id == parcel_id).values(status="stored", picked_up_at=None)
        )
        await session.execute(update(Locker).where(Locker.id == locker_id).values(status="occupied"))
        await session.commit()
        raise HTTPException(503, "locker door did not respond, please try again")
    logger.info("parcel %s collected from locker %s by %s", parcel_id, locker_id, principal.sub)
    return {"id": parcel_id, "status": "collected"}
