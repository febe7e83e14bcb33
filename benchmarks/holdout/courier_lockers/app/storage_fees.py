import logging
import os
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_customer
from app.db import CustomerAccount, Parcel, Reservation, SessionLocal, get_session

router = APIRouter()
logger = logging.getLogger(__name__)

FREE_HOURS = int(os.environ.get("FREE_STORAGE_HOURS", "48"))
HOURLY_FEE_CENTS = int(os.environ.get("HOURLY_FEE_CENTS", "50"))
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.internal.example")

_payments = httpx.AsyncClient(base_url=PAYMENTS_URL, timeout=httpx.Timeout(10.0, connect=3.0))


async def accrue_overdue_fees() -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(hours=FREE_HOURS)
    hours_over = func.floor(func.extract("epoch", func.now() - Parcel.stored_at) / 3600) - FREE_HOURS
    async with SessionLocal() as session:
        result = await session.execute(  # ok: DB003
            update(Parcel)
            .where(and_(Parcel.status == "stored", Parcel.stored_at < cutoff))
            .values(fee_cents=hours_over * HOURLY_FEE_CENTS)
        )
        await session.commit()
        return result.rowcount or 0


async def _charge_card(account: CustomerAccount, amount_cents: int, reference: str) -> str:
    resp = await _payments.post(
        "/v1/charges",
        json={"payment_method": account.payment_method_ref, "amount_cents": amount_cents, "currency": "EUR"},
        headers={"Idempotency-Key": reference},  # ok: REL003
    )
    resp.raise_for_status()
    return resp.json()["charge_id"]


@router.post("/parcels/{parcel_id}/pay")
async def pay_storage_fee(
    parcel_id: int,
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    parcel = await session.get(Parcel, parcel_id)
    if parcel is None or parcel.recipient_id != principal.sub:
        raise HTTPException(404, "parcel not found")
    due = parcel.fee_cents - parcel.fee_paid_cents
    if due <= 0:
        return {"parcel_id": parcel_id, "due_cents": 0}

    account = await session.get(CustomerAccount, principal.sub)
    if account is None or account.balance_cents < due:
        raise HTTPException(402, "insufficient wallet balance")
    account.balance_cents = account.balance_cents - due  # expect: DB004
    parcel.fee_paid_cents = parcel.fee_cents
    await session.commit()
    logger.info("storage fee %d paid for parcel %s by %s", due, parcel_id, principal.sub)
    return {"parcel_id": parcel_id, "paid_cents": due, "due_cents": 0}


class ExtendIn(BaseModel):
    hours: int = Field(ge=1, le=48)


@router.post("/reservations/{reservation_id}/extend")
async def extend_reservation(
    reservation_id: int,
    body: ExtendIn,
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    reservation = await session.get(Reservation, reservation_id)
    if reservation is None or reservation.customer_id != principal.sub:
        raise HTTPException(404, "reservation not found")
    account = await session.get(CustomerAccount, principal.sub)
    new_end = reservation.ends_at + timedelta(hours=body.hours)

    charge_id = await _charge_card(  # expect: REL004
        account, body.hours * HOURLY_FEE_CENTS, f"extend-{reservation_id}-{new_end:%Y%m%d%H}"
    )

    clash = await session.execute(
        select(Reservation.id).where(
            Reservation.locker_id == reservation.locker_id,
            Reservation.id != reservation.id,
            Reservation.status == "active",
            Reservation.starts_at < new_end,
        )
    )
    if clash.first() is not None:
        raise HTTPException(409, "locker is booked after your slot")

    reservation.ends_at = new_end
    await session.commit()
    return {"id": reservation.id, "ends_at": new_end.isoformat(), "charge_id": charge_id}
