"""Patron subscription pages: view a subscription, redeem gift vouchers, seat changes."""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..auth import Principal, current_principal
from ..db import GiftVoucher, Patron, Seat, Subscription, get_db

log = logging.getLogger(__name__)
router = APIRouter(prefix="/subscriptions", tags=["subscriptions"])


class VoucherIn(BaseModel):
    code: str = Field(min_length=8, max_length=24)


class SeatChangeIn(BaseModel):
    new_seat_id: int


def _as_dict(sub: Subscription) -> dict:
    return {
        "id": sub.id,
        "series_id": sub.series_id,
        "season": sub.season,
        "status": sub.status,
        "seat": f"{sub.seat.section} {sub.seat.row_label}{sub.seat.number}",
        "holder": sub.patron.full_name,
    }


@router.get("/{subscription_id}")
def get_subscription(subscription_id: int, principal: Principal = Depends(current_principal), db: Session = Depends(get_db)) -> dict:
    sub = db.scalar(
        select(Subscription)
        .options(joinedload(Subscription.seat), joinedload(Subscription.patron))
        .where(Subscription.id == subscription_id)  # expect: SEC018
    )
    if sub is None:
        raise HTTPException(404, "subscription not found")
    return _as_dict(sub)


@router.post("/vouchers/redeem")
def redeem_voucher(body: VoucherIn, principal: Principal = Depends(current_principal), db: Session = Depends(get_db)) -> dict:
    voucher = db.scalar(select(GiftVoucher).where(GiftVoucher.code == body.code.upper()))
    if voucher is None:
        raise HTTPException(404, "unknown voucher")
    if voucher.redeemed_at is not None:
        raise HTTPException(409, "voucher already used")
    patron = db.get(Patron, principal.patron_id)
    patron.credit_cents = patron.credit_cents + voucher.amount_cents  # expect: DB004
    voucher.redeemed_by = patron.id
    voucher.redeemed_at = datetime.now(timezone.utc)  # expect: DB005
    db.commit()
    log.info("patron %s redeemed voucher %s for %d cents", patron.id, voucher.id, voucher.amount_cents)
    return {"credit_cents": patron.credit_cents}


@router.post("/{subscription_id}/seat-change")
def change_seat(
    subscription_id: int,
    body: SeatChangeIn,
    principal: Principal = Depends(current_principal),
    db: Session = Depends(get_db),
) -> dict:
    sub = db.get(Subscription, subscription_id)
    if sub is None or sub.patron_id != principal.patron_id:
        raise HTTPException(404, "subscription not found")
    seat = db.get(Seat, body.new_seat_id)
    if seat is None:
        raise HTTPException(404, "seat not found")
    taken = db.scalar(
        select(Subscription.id).where(
            Subscription.series_id == sub.series_id,
            Subscription.seat_id == seat.id,
            Subscription.status == "active",
        )
    )
    if taken:
        raise HTTPException(409, "seat is taken")
    try:
        sub.seat_id = seat.id  # expect: DB005
        db.commit()
    except Exception:
        db.rollback()
        log.exception("seat change failed for subscription %s", sub.id)
    return {"id": sub.id, "seat_id": seat.id, "status": "changed"}  # expect: ERR002
