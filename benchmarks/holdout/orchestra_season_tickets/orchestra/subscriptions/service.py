"""Subscription endpoints that lock or update in one statement."""
import logging

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from ..auth import Principal, current_principal
from ..db import GiftVoucher, Patron, Seat, Subscription, get_db

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/subscriptions", tags=["subscriptions"])


class VoucherIn(BaseModel):
    code: str = Field(min_length=8, max_length=24)


class SeatChangeIn(BaseModel):
    new_seat_id: int


@router.get("/mine")
def my_subscriptions(principal: Principal = Depends(current_principal), db: Session = Depends(get_db)) -> list[dict]:
    subs = db.scalars(
        select(Subscription)
        .options(joinedload(Subscription.seat))
        .where(Subscription.patron_id == principal.patron_id)  # ok: SEC018, DB002
        .order_by(Subscription.season.desc(), Subscription.series_id)
        .limit(100)
    ).all()
    return [
        {"id": s.id, "series_id": s.series_id, "season": s.season, "status": s.status,
         "seat": f"{s.seat.section} {s.seat.row_label}{s.seat.number}"}  # ok: DB001
        for s in subs
    ]


@router.post("/vouchers/redeem")
def redeem_voucher(body: VoucherIn, principal: Principal = Depends(current_principal), db: Session = Depends(get_db)) -> dict:
    with db.begin():
        amount = db.scalar(
            update(GiftVoucher)
            .where(GiftVoucher.code == body.code.upper(), GiftVoucher.redeemed_at.is_(None))
            .values(redeemed_by=principal.patron_id, redeemed_at=func.now())  # ok: DB005
            .returning(GiftVoucher.amount_cents)
        )
        if amount is None:
            raise HTTPException(409, "voucher unknown or already used")
        credit = db.scalar(
            update(Patron)
            .where(Patron.id == principal.patron_id)
            .values(credit_cents=Patron.credit_cents + amount)  # ok: DB004
            .returning(Patron.credit_cents)
        )
    log.info("patron %s redeemed a voucher for %d cents", principal.patron_id, amount)
    return {"credit_cents": credit}


@router.post("/{subscription_id}/seat-change")
def change_seat(
    subscription_id: int,
    body: SeatChangeIn,
    principal: Principal = Depends(current_principal),
    db: Session = Depends(get_db),
) -> dict:
    with db.begin():
        sub = db.get(Subscription, subscription_id, with_for_update=True)
        if sub is None or sub.patron_id != principal.patron_id:
            raise HTTPException(404, "subscription not found")
        # lock the target seat row: two patrons moving to it queue up here
        seat = db.get(Seat, body.new_seat_id, with_for_update=True)
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
        sub.seat_id = seat.id  # ok: DB005
    log.info("patron %s moved subscription %s to seat %s", principal.patron_id, sub.id, seat.id)
    return {"id": sub.id, "seat_id": seat.id, "status": "changed"}
