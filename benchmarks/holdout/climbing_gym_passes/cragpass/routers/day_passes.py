"""Day passes: bought in the app, redeemed once at the desk on the day."""
import logging
import secrets
from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.clients.processor import PaymentDeclined, ProcessorClient, ProcessorUnavailable, get_processor
from cragpass.db import get_session
from cragpass.models import DayPass, Visit
from cragpass.security import CurrentClimber, StaffUser
from cragpass.settings import get_settings

router = APIRouter(prefix="/day-passes", tags=["day passes"])
logger = logging.getLogger(__name__)


class PurchaseIn(BaseModel):
    valid_on: date


class DayPassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    valid_on: date
    status: str


async def _purchase(session: AsyncSession, climber_id: int, key: str) -> DayPass | None:
    return await session.scalar(
        select(DayPass).where(DayPass.climber_id == climber_id, DayPass.purchase_key == key)
    )


@router.post("", response_model=DayPassOut, status_code=201)
async def buy_day_pass(
    body: PurchaseIn,
    climber: CurrentClimber,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=16, max_length=64),
    session: AsyncSession = Depends(get_session),
    processor: ProcessorClient = Depends(get_processor),
):
    if body.valid_on < date.today():
        raise HTTPException(422, "valid_on is in the past")
    existing = await _purchase(session, climber.id, idempotency_key)  # ok: DB005
    if existing is not None:
        return existing

    price = get_settings().day_pass_price_pence
    try:
        payment = await processor.charge(  # ok: REL004
            amount_pence=price,
            card_token=climber.card_token or "",
            customer_id=climber.processor_customer_id or "",
            idempotency_key=f"day-pass-{climber.id}-{idempotency_key}",
            description=f"Day pass {body.valid_on.isoformat()}",
        )
    except PaymentDeclined as exc:
        raise HTTPException(402, exc.message) from None
    except ProcessorUnavailable:
        raise HTTPException(503, "Payments are unavailable, try again shortly") from None

    day_pass = DayPass(climber_id=climber.id, code=secrets.token_urlsafe(9), valid_on=body.valid_on,
                       status="unused", price_pence=price, payment_id=payment["id"], purchase_key=idempotency_key)
    session.add(day_pass)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return await _purchase(session, climber.id, idempotency_key)
    logger.info("climber %s bought day pass %s for %s", climber.id, day_pass.id, body.valid_on)
    return day_pass


@router.post("/{code}/redeem", response_model=DayPassOut)
async def redeem_day_pass(code: str, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    now = datetime.now(timezone.utc)
    result = await session.execute(
        update(DayPass)
        .where(DayPass.code == code, DayPass.status == "unused", DayPass.valid_on == date.today())
        .values(status="used", used_at=now)
        .returning(DayPass)
    )
    day_pass = result.scalar_one_or_none()
    if day_pass is None:
        raise HTTPException(409, "Pass is not valid today or has already been used")
    session.add(Visit(climber_id=day_pass.climber_id, entry_kind="day_pass", day_pass_id=day_pass.id, checked_in_at=now))
    await session.commit()
    logger.info("day pass %s redeemed by staff %s", day_pass.id, staff.id)
    return day_pass


@router.get("/mine", response_model=list[DayPassOut])
async def my_day_passes(climber: CurrentClimber, session: AsyncSession = Depends(get_session)):
    rows = await session.scalars(
        select(DayPass).where(DayPass.climber_id == climber.id).order_by(DayPass.valid_on.desc()).limit(50)
    )
    return rows.all()
