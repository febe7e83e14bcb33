"""Sailcloth stock endpoints for the loft floor tablets."""
import logging
from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, select

from ..auth import require_staff
from ..db import get_session
from ..models import ClothMovement, Customer, SailclothRoll

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/stock", tags=["stock"])


class RollOut(BaseModel):
    id: int
    cloth_code: str
    description: str
    weight_oz: float
    width_cm: int
    metres_remaining: float


class CutIn(BaseModel):
    metres: float = Field(gt=0, le=100)
    order_id: Optional[int] = None
    note: str = Field(default="", max_length=200)


class MovementOut(BaseModel):
    id: int
    roll_id: int
    order_id: Optional[int]
    metres: float
    note: str
    created_at: datetime


@router.get("/rolls", response_model=list[RollOut])
def list_rolls(
    cloth_code: Optional[str] = None,
    staff: Customer = Depends(require_staff),
    session: Session = Depends(get_session),
):
    statement = select(SailclothRoll).where(SailclothRoll.metres_remaining > 0).order_by(SailclothRoll.cloth_code)
    if cloth_code:
        statement = statement.where(SailclothRoll.cloth_code == cloth_code.upper())
    return session.exec(statement.limit(500)).all()


@router.post("/rolls/{roll_id}/cut", response_model=RollOut)
def cut_cloth(
    roll_id: int,
    body: CutIn,
    staff: Customer = Depends(require_staff),
    session: Session = Depends(get_session),
):
    roll = session.get(SailclothRoll, roll_id)
    if roll is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Roll not found")
    if roll.metres_remaining < body.metres:
        raise HTTPException(status.HTTP_409_CONFLICT, f"Only {roll.metres_remaining:.1f} m left on this roll")

    roll.metres_remaining = round(roll.metres_remaining - body.metres, 2)  # expect: DB004
    session.add(roll)
    session.add(
        ClothMovement(roll_id=roll.id, order_id=body.order_id, metres=body.metres, note=body.note, created_by=staff.id)
    )
    session.commit()
    session.refresh(roll)
    logger.info("cloth cut roll_id=%s metres=%s order_id=%s staff_id=%s", roll.id, body.metres, body.order_id, staff.id)
    return roll


@router.get("/movements", response_model=list[MovementOut])
def search_movements(
    q: str = Query(min_length=2, max_length=60),
    page: int = Query(default=1, ge=1),
    staff: Customer = Depends(require_staff),
    session: Session = Depends(get_session),
):
    statement = (
        select(ClothMovement)
        .where(func.lower(ClothMovement.note).like(f"%{q.lower()}%"))  # expect: DB006
        .order_by(ClothMovement.created_at.desc())
        .offset((page - 1) * 50)
        .limit(50)
    )
    return session.exec(statement).all()
