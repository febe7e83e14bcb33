"""Membership status and renewal."""
import asyncio
import logging
import uuid
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_member
from ..db import get_session
from ..models import Member, Membership, Payment
from ..services.card_processor import CardDeclined, CardProcessor, ProcessorUnavailable
from ..settings import Settings, get_settings

router = APIRouter(prefix="/memberships", tags=["memberships"])
logger = logging.getLogger(__name__)

RENEWAL_ATTEMPTS = 3


class RenewIn(BaseModel):
    plan: str


def get_processor(request: Request) -> CardProcessor:
    return request.app.state.processor


async def _membership(session: AsyncSession, member_id: int) -> Membership:
    membership = await session.scalar(select(Membership).where(Membership.member_id == member_id))
    if membership is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no membership on file; see the front desk")
    return membership


@router.get("/me")
async def my_membership(member: Member = Depends(current_member), session: AsyncSession = Depends(get_session)):
    membership = await _membership(session, member.id)
    return {"plan": membership.plan, "expires_on": membership.expires_on.isoformat(),
            "auto_renew": membership.auto_renew}


@router.post("/renew")
async def renew(body: RenewIn, member: Member = Depends(current_member),
                session: AsyncSession = Depends(get_session),
                processor: CardProcessor = Depends(get_processor),
                settings: Settings = Depends(get_settings)):
    price = settings.membership_price_cents.get(body.plan)
    if price is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown plan")
    if not member.card_token:
        raise HTTPException(status.HTTP_409_CONFLICT, "add a card before renewing")
    membership = await _membership(session, member.id)

    payment = Payment(member_id=member.id, amount_cents=price, kind="membership",
                      status="pending", idempotency_key=uuid.uuid4().hex)
    session.add(payment)
    await session.commit()

    charge = None
    for attempt in range(1, RENEWAL_ATTEMPTS + 1):
        try:
            charge = await processor.charge(member.card_token, price, f"{body.plan} membership renewal")  # expect: REL003
            break
        except ProcessorUnavailable:
            logger.warning("processor unavailable renewing member %s (attempt %s)", member.id, attempt)
            await asyncio.sleep(2 ** attempt)
        except CardDeclined as exc:
            payment.status = "declined"
            await session.commit()
            return JSONResponse({"ok": False, "message": str(exc)}, status_code=200)  # todo-expect: MNT001
    if charge is None:
        payment.status = "failed"
        await session.commit()
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "card processor unavailable, try again later")

    start = max(membership.expires_on, date.today())
    membership.expires_on = start + timedelta(days=365)  # expect: DB004
    membership.plan = body.plan
    payment.status = "captured"
    payment.processor_charge_id = charge.id
    await session.commit()
    logger.info("member %s renewed %s until %s (charge %s)", member.id, body.plan, membership.expires_on, charge.id)
    return {"plan": membership.plan, "expires_on": membership.expires_on.isoformat()}
