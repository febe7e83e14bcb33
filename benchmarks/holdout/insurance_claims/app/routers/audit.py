import logging
from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, require_role
from ..database import AuditEvent, Claim, get_session

logger = logging.getLogger(__name__)
router = APIRouter(tags=["audit"])


def _event_json(event: AuditEvent) -> dict:
    return {
        "id": event.id,
        "claim_id": event.claim_id,
        "actor_id": event.actor_id,
        "action": event.action,
        "detail": event.detail,
        "created_at": event.created_at.isoformat(),
    }


@router.get("/claims/{claim_id}/audit")
async def claim_audit_trail(
    claim_id: int,
    before_id: Optional[int] = None,
    limit: int = Query(50, ge=1, le=200),
    user: CurrentUser = Depends(require_role("adjuster", "supervisor")),
    session: AsyncSession = Depends(get_session),
):
    if await session.get(Claim, claim_id) is None:
        raise HTTPException(404, detail={"error": "claim_not_found"})
    stmt = select(AuditEvent).where(AuditEvent.claim_id == claim_id)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    events = (await session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit))).all()  # ok: DB002
    next_cursor = events[-1].id if len(events) == limit else None
    return {"items": [_event_json(e) for e in events], "next_before_id": next_cursor}


@router.get("/audit/by-actor/{actor_id}")
async def actor_activity(
    actor_id: int,
    since: datetime,
    until: Optional[datetime] = None,
    limit: int = Query(100, ge=1, le=500),
    user: CurrentUser = Depends(require_role("supervisor")),
    session: AsyncSession = Depends(get_session),
):
    stmt = select(AuditEvent).where(
        AuditEvent.actor_id == actor_id,  # ok: DB006
        AuditEvent.created_at >= since,
    )
    if until is not None:
        if until <= since:
            raise HTTPException(422, detail={"error": "invalid_range"})
        stmt = stmt.where(AuditEvent.created_at < until)
    events = (await session.scalars(stmt.order_by(AuditEvent.created_at.desc()).limit(limit))).all()
    logger.info("supervisor %s viewed activity of actor %s", user.id, actor_id)
    return {"items": [_event_json(e) for e in events], "truncated": len(events) == limit}
