import logging
import os
import random

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_courier
from app.db import Locker, Parcel, get_session
from app.notifications import send_pickup_sms
from app.pickups import hash_pickup_code

router = APIRouter()
logger = logging.getLogger(__name__)

DOOR_API_URL = os.environ.get("DOOR_API_URL", "https://iot.lockers.example")
DOOR_API_TOKEN = os.environ.get("DOOR_API_TOKEN", "")


class DropoffIn(BaseModel):
    tracking_number: str = Field(min_length=6, max_length=40)
    recipient_id: int
    recipient_phone: str = Field(pattern=r"^\+[1-9][0-9]{7,14}$")


def _open_door_now(locker_id: int) -> None:
    resp = httpx.post(
        f"{DOOR_API_URL}/v1/commands",
        json={"locker_id": locker_id, "action": "open"},
        headers={"Authorization": f"Bearer {DOOR_API_TOKEN}"},
        timeout=10,
    )
    resp.raise_for_status()


def _make_pickup_code() -> str:
    return "".join(str(random.randint(0, 9)) for _ in range(6))  # expect: SEC010


@router.post("/{locker_id}", status_code=201)
async def register_dropoff(
    locker_id: int,
    body: DropoffIn,
    courier: Principal = Depends(require_courier),
    session: AsyncSession = Depends(get_session),
) -> dict:
    locker = await session.get(Locker, locker_id, with_for_update=True)  # ok: DB004
    if locker is None:
        raise HTTPException(404, "locker not found")
    if locker.status not in ("free", "reserved"):
        raise HTTPException(409, f"locker is {locker.status}")

    _open_door_now(locker_id)  # expect: CON001

    code = _make_pickup_code()
    parcel = Parcel(
        locker_id=locker_id,
        courier_id=courier.courier_id,
        recipient_id=body.recipient_id,
        tracking_number=body.tracking_number,
        recipient_phone=body.recipient_phone,
        status="stored",
        pickup_code_hash=hash_pickup_code(code, body.tracking_number),
    )
    session.add(parcel)
    locker.status = "occupied"

    await send_pickup_sms(body.recipient_phone, code, locker.label)  # expect: REL004
    await session.commit()

    logger.info(
        "dropoff tracking=%s locker=%s courier=%s",
        body.tracking_number,
        locker_id,
        courier.courier_id,
    )
    return {"parcel_id": parcel.id, "locker": locker.label, "status": parcel.status}


@router.get("/mine")
async def my_recent_dropoffs(
    courier: Principal = Depends(require_courier),
    session: AsyncSession = Depends(get_session),
) -> dict:
    rows = (
        await session.execute(
            select(Parcel.id, Parcel.tracking_number, Parcel.status, Parcel.stored_at)
            .where(Parcel.courier_id == courier.courier_id)
            .order_by(Parcel.stored_at.desc())
            .limit(50)
        )
    ).all()
    return {
        "items": [
            {"id": r.id, "tracking_number": r.tracking_number, "status": r.status, "stored_at": r.stored_at.isoformat()}
            for r in rows
        ]
    }
