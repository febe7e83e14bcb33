"""Loyalty programme: points for completed stays, redemptions and statements."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .dependencies import current_guest, get_session, require_staff
from .models import Guest, LoyaltyAccount, LoyaltyEntry, Reservation

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/loyalty", tags=["loyalty"])

POINTS_PER_EURO = 10
TIER_THRESHOLDS = (("platinum", 200_000), ("gold", 75_000), ("silver", 25_000))


class RedeemRequest(BaseModel):
    points: int = Field(gt=0, le=1_000_000)


def _tier_for(points: int) -> str:
    for name, threshold in TIER_THRESHOLDS:
        if points >= threshold:
            return name
    return "member"


@router.post("/stays/{reservation_id}/award")
def award_stay_points(reservation_id: int, staff: dict = Depends(require_staff),
                      session: Session = Depends(get_session)):
    """Credit points when the front desk closes a stay."""
    reservation = session.get(Reservation, reservation_id)
    if reservation is None or reservation.status != "checked_out":
        raise HTTPException(status_code=409, detail="stay is not checked out")
    account = session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.guest_id == reservation.guest_id))
    if account is None:
        raise HTTPException(status_code=404, detail="guest is not a loyalty member")

    earned = int(reservation.total_amount * POINTS_PER_EURO)
    account.points = account.points + earned  # expect: DB004
    account.tier = _tier_for(account.points)
    session.add(LoyaltyEntry(account_id=account.id, reservation_id=reservation.id, delta=earned, reason="stay"))
    session.commit()
    logger.info("awarded %d points to account %s for reservation %s", earned, account.id, reservation.id)
    return {"account_id": account.id, "earned": earned, "points": account.points, "tier": account.tier}


@router.post("/redeem")
def redeem_points(body: RedeemRequest, guest: Guest = Depends(current_guest), session: Session = Depends(get_session)):
    row = session.execute(
        update(LoyaltyAccount)
        .where(LoyaltyAccount.guest_id == guest.id, LoyaltyAccount.points >= body.points)
        .values(points=LoyaltyAccount.points - body.points)
        .returning(LoyaltyAccount.id, LoyaltyAccount.points)
    ).first()  # ok: DB004, DB005
    if row is None:
        raise HTTPException(status_code=409, detail="not enough points")
    session.add(LoyaltyEntry(account_id=row.id, delta=-body.points, reason="redemption"))
    try:
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        logger.error("could not record redemption for guest %s: %s", guest.id, exc)  # expect: OBS002
        return {"status": "redeemed", "points_redeemed": body.points}  # expect: ERR002
    return {"status": "redeemed", "points_redeemed": body.points, "balance": row.points}


@router.get("/statement")
def statement(guest: Guest = Depends(current_guest), session: Session = Depends(get_session)):
    account = session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.guest_id == guest.id))
    if account is None:
        raise HTTPException(status_code=404, detail="not a loyalty member")
    entries = session.scalars(
        select(LoyaltyEntry)
        .where(LoyaltyEntry.account_id == account.id)
        .order_by(LoyaltyEntry.created_at.desc())
        .limit(100)
    ).all()  # ok: DB002
    return {
        "points": account.points,
        "tier": account.tier,
        "entries": [
            {
                "date": entry.created_at.date().isoformat(),
                "delta": entry.delta,
                "reason": entry.reason,
                "room": entry.reservation.room.number if entry.reservation else None,  # expect: DB001
            }
            for entry in entries
        ],
    }


@router.get("/members/export")
def export_members(min_points: int = Query(0, ge=0), staff: dict = Depends(require_staff),
                   session: Session = Depends(get_session)):
    """Member list for the marketing team's quarterly campaign."""
    members = session.execute(
        select(Guest.email, Guest.full_name, LoyaltyAccount.points, LoyaltyAccount.tier)
        .join(LoyaltyAccount, LoyaltyAccount.guest_id == Guest.id)
        .where(LoyaltyAccount.points >= min_points)
        .order_by(LoyaltyAccount.points.desc())
    ).all()  # expect: DB002
    return [dict(m._mapping) for m in members]
