"""Exhibitor staff badges."""
import logging
import random
import string

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from expo.db import get_db
from expo.models import Badge, BadgeScan
from expo.security import Principal, current_principal, exhibitor_for_principal

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exhibitors/{exhibitor_id}/badges", tags=["badges"])

CODE_ALPHABET = string.ascii_uppercase + string.digits


class BadgeIn(BaseModel):
    attendee_name: str = Field(min_length=2, max_length=120)
    attendee_email: EmailStr


def _badge_code() -> str:
    return "".join(random.choices(CODE_ALPHABET, k=10))  # expect: SEC010


def _badge_out(badge: Badge, scans: int = 0) -> dict:
    return {
        "id": badge.id,
        "attendee_name": badge.attendee_name,
        "attendee_email": badge.attendee_email,
        "code": badge.code,
        "revoked": badge.revoked,
        "scans": scans,
    }


@router.get("")
def list_badges(exhibitor_id: int, db: Session = Depends(get_db), principal: Principal = Depends(current_principal)):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    stmt = select(Badge).where(Badge.exhibitor_id == exhibitor.id).order_by(Badge.issued_at)
    badges = db.scalars(stmt).all()  # ok: DB002
    result = []
    for badge in badges:
        scans = db.scalar(select(func.count(BadgeScan.id)).where(BadgeScan.badge_id == badge.id))  # expect: DB001
        result.append(_badge_out(badge, scans or 0))
    return result


@router.post("", status_code=status.HTTP_201_CREATED)
def issue_badge(
    exhibitor_id: int,
    body: BadgeIn,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    if exhibitor.badges_issued >= exhibitor.badge_quota:
        raise HTTPException(status.HTTP_409_CONFLICT, "badge quota reached")
    badge = Badge(
        exhibitor_id=exhibitor.id,
        attendee_name=body.attendee_name,
        attendee_email=body.attendee_email,
        code=_badge_code(),
    )
    db.add(badge)
    exhibitor.badges_issued += 1
    db.commit()  # expect: DB004, DB005
    logger.info("badge %s issued for exhibitor %s", badge.id, exhibitor.id)
    return _badge_out(badge)


@router.get("/{badge_id}")
def get_badge(
    exhibitor_id: int,
    badge_id: int,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    badge = db.get(Badge, badge_id)  # expect: SEC018
    if badge is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "badge not found")
    return _badge_out(badge)


@router.post("/{badge_id}/revoke")
def revoke_badge(
    exhibitor_id: int,
    badge_id: int,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    stmt = select(Badge).where(Badge.id == badge_id, Badge.exhibitor_id == exhibitor.id)  # ok: SEC018
    badge = db.scalars(stmt).one_or_none()
    if badge is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "badge not found")
    badge.revoked = True
    db.commit()
    logger.info("badge %s revoked by user %s", badge.id, principal.user_id)
    return _badge_out(badge)
