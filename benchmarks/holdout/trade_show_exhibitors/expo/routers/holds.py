"""Booth holds: an exhibitor reserves a booth for a few minutes while paying."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from expo.config import settings
from expo.db import get_db
from expo.models import Booth
from expo.security import Principal, current_principal, exhibitor_for_principal

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/booths/{booth_id}", tags=["holds"])


class HoldIn(BaseModel):
    exhibitor_id: int


@router.post("/hold", status_code=status.HTTP_201_CREATED)
def hold_booth(  # ok: CON001
    booth_id: int,
    body: HoldIn,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(body.exhibitor_id, db, principal)
    now = datetime.now(timezone.utc)
    until = now + timedelta(minutes=settings.booth_hold_minutes)
    stmt = (
        update(Booth)
        .where(
            Booth.id == booth_id,
            Booth.show_id == exhibitor.show_id,
            Booth.exhibitor_id.is_(None),
            or_(Booth.held_until.is_(None), Booth.held_until < now, Booth.held_by_exhibitor_id == exhibitor.id),
        )
        .values(held_by_exhibitor_id=exhibitor.id, held_until=until)
        .returning(Booth.id)
    )
    held = db.execute(stmt).scalar_one_or_none()  # ok: DB005
    if held is None:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "booth is taken or held by someone else")
    db.commit()
    logger.info("booth %s held for exhibitor %s until %s", booth_id, exhibitor.id, until.isoformat())
    return {"booth_id": booth_id, "held_until": until.isoformat()}


@router.post("/confirm")
def confirm_hold(
    booth_id: int,
    body: HoldIn,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(body.exhibitor_id, db, principal)
    booth = db.scalars(select(Booth).where(Booth.id == booth_id).with_for_update()).one_or_none()
    if booth is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booth not found")
    now = datetime.now(timezone.utc)
    if booth.held_by_exhibitor_id != exhibitor.id or booth.held_until is None or booth.held_until < now:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "no valid hold on this booth")
    booth.exhibitor_id = exhibitor.id
    booth.held_by_exhibitor_id = None
    booth.held_until = None
    db.commit()  # ok: DB005
    logger.info("booth %s confirmed for exhibitor %s", booth_id, exhibitor.id)
    return {"booth_id": booth_id, "label": booth.label, "hall": booth.hall}


@router.delete("/hold", status_code=status.HTTP_204_NO_CONTENT)
def drop_hold(
    booth_id: int,
    exhibitor_id: int,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    db.execute(
        update(Booth)
        .where(Booth.id == booth_id, Booth.held_by_exhibitor_id == exhibitor.id)
        .values(held_by_exhibitor_id=None, held_until=None)
    )
    db.commit()
