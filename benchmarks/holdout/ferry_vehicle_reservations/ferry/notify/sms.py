"""SMS delay notices to drivers booked on a delayed sailing."""
import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db import SessionLocal, get_session
from ..models import Customer, Reservation, Sailing
from ..ops_auth import StaffUser, require_role
from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/ops/sailings", tags=["ops"])

# (reservation id, delay minutes) pairs already texted, oldest first
_sent_notices: "OrderedDict[tuple[int, int], datetime]" = OrderedDict()
_MAX_REMEMBERED = 20_000


async def _send_sms(phone: str, text: str) -> bool:
    async with httpx.AsyncClient(base_url=str(settings.sms_base_url)) as client:  # ok: REL001
        resp = await client.post(
            "/messages",
            json={"to": phone, "from": settings.sms_sender_id, "body": text},
            headers={"Authorization": f"Token {settings.sms_api_token.get_secret_value()}"},
        )
    if resp.status_code >= 400:
        log.warning("sms gateway returned %s for a delay notice", resp.status_code)
        return False
    return True


async def notify_sailing(session: AsyncSession, sailing: Sailing) -> int:
    result = await session.execute(
        select(Reservation).where(Reservation.sailing_id == sailing.id,
                                  Reservation.status == "confirmed")
    )
    sent = 0
    for reservation in result.scalars().all():
        key = (reservation.id, sailing.delay_minutes)
        if key in _sent_notices:
            continue
        customer = await session.get(Customer, reservation.customer_id)  # expect: DB001
        if not customer.phone:
            continue
        text = (f"Island Ferries: the {sailing.departs_at:%H:%M} {sailing.route_code} sailing "
                f"is delayed by about {sailing.delay_minutes} min. Booking {reservation.reference}.")
        if await _send_sms(customer.phone, text):
            _sent_notices[key] = datetime.now(timezone.utc)  # expect: SCL001
            if len(_sent_notices) > _MAX_REMEMBERED:
                _sent_notices.popitem(last=False)
            sent += 1
    return sent


async def notify_delayed_sailings(session: AsyncSession) -> None:
    horizon = datetime.now(timezone.utc) - timedelta(hours=6)
    result = await session.execute(
        select(Sailing).where(Sailing.status == "delayed", Sailing.departs_at >= horizon)
    )
    for sailing in result.scalars().all():
        sent = await notify_sailing(session, sailing)
        if sent:
            log.info("sent %d delay notices for sailing %s", sent, sailing.id)


class DelayIn(BaseModel):
    delay_minutes: int = Field(ge=5, le=24 * 60)


async def _notify_in_background(sailing_id: int) -> None:
    async with SessionLocal() as session:
        sailing = await session.get(Sailing, sailing_id)
        await notify_sailing(session, sailing)


@router.post("/{sailing_id}/delay")
async def mark_delayed(sailing_id: int, body: DelayIn,
                       staff: StaffUser = Depends(require_role("ops")),
                       session: AsyncSession = Depends(get_session)) -> dict:
    sailing = await session.get(Sailing, sailing_id)
    if sailing is None:
        raise HTTPException(404, "Sailing not found")
    sailing.status = "delayed"
    sailing.delay_minutes = body.delay_minutes
    await session.commit()
    log.info("sailing %s marked %d min late by %s", sailing.id, body.delay_minutes, staff.subject)
    asyncio.create_task(_notify_in_background(sailing.id))  # expect: REL005
    return {"sailing_id": sailing.id, "status": "delayed", "delay_minutes": body.delay_minutes}
