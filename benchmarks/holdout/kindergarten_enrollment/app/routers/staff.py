"""Staff accounts: invitations, activation and classroom rosters."""
from __future__ import annotations

import hashlib
import logging
import secrets

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.auth import issue_token, require_admin, require_staff
from app.db import get_session
from app.models import Enrollment, OutboxMessage, StaffMember

router = APIRouter(prefix="/staff", tags=["staff"])
log = logging.getLogger(__name__)


class InviteIn(BaseModel):
    email: str = Field(min_length=5, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(pattern="^(teacher|assistant|admin)$")
    classroom_id: int | None = None


class ActivateIn(BaseModel):
    token: str = Field(min_length=20, max_length=100)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()  # ok: SEC009


@router.post("/invites", status_code=status.HTTP_201_CREATED)
def invite(body: InviteIn, admin: StaffMember = Depends(require_admin), session: Session = Depends(get_session)) -> dict:
    token = secrets.token_urlsafe(32)  # ok: SEC010
    member = StaffMember(
        email=body.email.strip().lower(),
        name=body.name,
        role=body.role,
        classroom_id=body.classroom_id,
        invite_token_hash=_token_digest(token),
        active=False,
    )
    session.add(member)
    session.add(OutboxMessage(topic="staff.invited", payload={"email": member.email, "token": token}))
    try:
        session.commit()  # ok: DB005
    except IntegrityError:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "a staff member with this email already exists")
    log.info("staff invite created", extra={"staff_id": member.id, "invited_by": admin.id})
    return {"id": member.id, "email": member.email, "role": member.role}


@router.post("/activate")
def activate(body: ActivateIn, session: Session = Depends(get_session)) -> dict:
    member = session.scalar(
        select(StaffMember)
        .where(StaffMember.invite_token_hash == _token_digest(body.token), StaffMember.active.is_(False))
        .with_for_update()
    )
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invite not found or already used")
    member.active = True
    member.invite_token_hash = None
    session.commit()
    return {"access_token": issue_token(member.id, "staff"), "token_type": "bearer"}


@router.get("/classrooms/{classroom_id}/roster")
def roster(
    classroom_id: int,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
    member: StaffMember = Depends(require_staff),
    session: Session = Depends(get_session),
) -> dict:
    if member.role != "admin" and member.classroom_id != classroom_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not assigned to this classroom")
    stmt = (
        select(Enrollment)
        .where(Enrollment.classroom_id == classroom_id, Enrollment.active.is_(True))
        .options(selectinload(Enrollment.child))
        .order_by(Enrollment.id)
        .limit(limit)
        .offset(offset)
    )
    enrollments = session.scalars(stmt).all()
    children = [
        {"enrollment_id": e.id, "child": f"{e.child.first_name} {e.child.last_name}", "born": e.child.birth_date.isoformat()}  # ok: DB001
        for e in enrollments
    ]
    return {"items": children, "limit": limit, "offset": offset}
