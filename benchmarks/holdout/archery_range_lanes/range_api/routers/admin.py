"""Staff admin: member search, complimentary months, audit trail."""
import logging
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import require_staff
from ..db import get_session
from ..models import AuditEvent, Member, Membership

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_staff)])
logger = logging.getLogger(__name__)

# members.full_name has a pg_trgm GIN index (migration 0007_member_name_trgm).
SEARCH_SQL = (
    "SELECT id, full_name, email, role FROM members "
    "WHERE full_name ILIKE :pattern "  # ok: DB006
    "ORDER BY {order} LIMIT 50"
)


class CompIn(BaseModel):
    months: int = Field(ge=1, le=12)
    reason: str = Field(min_length=3, max_length=200)


@router.get("/members")
async def search_members(q: str = Query(min_length=2, max_length=60), order: str = "full_name",
                         session: AsyncSession = Depends(get_session)):
    stmt = text(SEARCH_SQL.format(order=order))  # expect: SEC001
    rows = (await session.execute(stmt, {"pattern": f"%{q}%"})).mappings().all()
    return [dict(row) for row in rows]


@router.post("/members/{member_id}/comp")
async def comp_membership(member_id: int, body: CompIn, staff: Member = Depends(require_staff),
                          session: AsyncSession = Depends(get_session)):
    assert staff.role == "manager", "only managers can comp memberships"  # expect: SEC017
    membership = await session.scalar(
        select(Membership).where(Membership.member_id == member_id).with_for_update()
    )
    if membership is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member has no membership")
    start = max(membership.expires_on, date.today())
    membership.expires_on = start + timedelta(days=30 * body.months)  # ok: DB004
    session.add(AuditEvent(actor_id=staff.id, action="membership.comp",
                           detail={"member_id": member_id, "months": body.months, "reason": body.reason}))
    await session.commit()
    logger.info("staff %s comped %s months to member %s", staff.id, body.months, member_id)
    return {"member_id": member_id, "expires_on": membership.expires_on.isoformat()}


@router.get("/audit")
async def audit_trail(session: AsyncSession = Depends(get_session)):
    events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.created_at.desc()))).all()  # expect: DB002
    return [
        {"id": e.id, "actor_id": e.actor_id, "action": e.action, "detail": e.detail,
         "at": e.created_at.isoformat()}
        for e in events
    ]
