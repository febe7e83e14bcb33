import logging
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, current_user, require_role
from ..database import Adjuster, AuditEvent, Claim, Policy, get_session

logger = logging.getLogger(__name__)
router = APIRouter(tags=["adjusters"])

OPEN_STATUSES = ("under_review", "awaiting_info")
PAGE_SIZE = 25
SUPERVISOR_THRESHOLD = Decimal("25000")


class AssignIn(BaseModel):
    adjuster_id: int


class DecisionIn(BaseModel):
    approve: bool
    approved_amount: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=2000)


async def _policy_summary(session: AsyncSession, policy_id: int) -> dict:
    policy = await session.get(Policy, policy_id)
    return {
        "number": policy.number,
        "product": policy.product,
        "coverage_limit": str(policy.coverage_limit),
        "deductible": str(policy.deductible),
    }


@router.get("/adjusters/me/claims")
async def my_claims(
    page: int = Query(1, ge=1),
    user: CurrentUser = Depends(require_role("adjuster", "supervisor")),
    session: AsyncSession = Depends(get_session),
):
    adjuster = await session.scalar(select(Adjuster).where(Adjuster.user_id == user.id))
    if adjuster is None:
        raise HTTPException(404, detail={"error": "adjuster_profile_missing"})
    claims = await session.scalars(
        select(Claim)
        .where(Claim.adjuster_id == adjuster.id, Claim.status.in_(OPEN_STATUSES))
        .order_by(Claim.created_at)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)  # ok: DB002
    )
    items = []
    for claim in claims:
        items.append(
            {
                "id": claim.id,
                "status": claim.status,
                "incident_type": claim.incident_type,
                "estimated_loss": str(claim.estimated_loss),
                "fraud_score": claim.fraud_score,
                "policy": await _policy_summary(session, claim.policy_id),  # expect: DB001
            }
        )
    return {"items": items, "page": page}


@router.post("/claims/{claim_id}/assign")
async def assign_claim(
    claim_id: int,
    body: AssignIn,
    user: CurrentUser = Depends(require_role("supervisor")),
    session: AsyncSession = Depends(get_session),
):
    reserved = await session.execute(
        update(Adjuster)
        .where(Adjuster.id == body.adjuster_id, Adjuster.open_claims < Adjuster.max_open_claims)
        .values(open_claims=Adjuster.open_claims + 1)  # ok: DB004
    )
    if reserved.rowcount == 0:
        raise HTTPException(409, detail={"error": "adjuster_at_capacity"})
    claimed = await session.execute(
        update(Claim)
        .where(Claim.id == claim_id, Claim.adjuster_id.is_(None), Claim.status == "submitted")
        .values(adjuster_id=body.adjuster_id, status="under_review")
    )
    if claimed.rowcount == 0:
        await session.rollback()
        raise HTTPException(409, detail={"error": "claim_not_assignable"})
    session.add(AuditEvent(claim_id=claim_id, actor_id=user.id, action="assigned",
                           detail={"adjuster_id": body.adjuster_id}))
    await session.commit()
    return {"claim_id": claim_id, "adjuster_id": body.adjuster_id, "status": "under_review"}


@router.post("/claims/{claim_id}/decision")
async def decide_claim(
    claim_id: int,
    body: DecisionIn,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    assert user.role in ("adjuster", "supervisor"), "adjusters only"  # expect: SEC017
    claim = await session.get(Claim, claim_id)
    if claim is None:
        raise HTTPException(404, detail={"error": "claim_not_found"})
    policy = await session.get(Policy, claim.policy_id)
    if body.approve and body.approved_amount > policy.coverage_limit:
        raise HTTPException(422, detail={"error": "exceeds_coverage"})
    if body.approve and body.approved_amount > SUPERVISOR_THRESHOLD and user.role != "supervisor":
        raise HTTPException(403, detail={"error": "supervisor_approval_required"})

    result = await session.execute(
        update(Claim)
        .where(Claim.id == claim_id, Claim.status == "under_review")
        .values(
            status="approved" if body.approve else "denied",
            approved_amount=body.approved_amount if body.approve else Decimal("0"),
            decided_by=user.id,
        )
    )
    if result.rowcount == 0:
        return {"ok": False, "message": "claim is not awaiting a decision"}  # todo-expect: MNT001
    session.add(AuditEvent(claim_id=claim_id, actor_id=user.id, action="decided",
                           detail={"approve": body.approve, "amount": str(body.approved_amount),
                                   "note": body.note}))
    await session.commit()
    return {"claim_id": claim_id, "status": "approved" if body.approve else "denied"}
