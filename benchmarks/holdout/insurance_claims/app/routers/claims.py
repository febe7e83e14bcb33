import logging
from datetime import date
from decimal import Decimal
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, current_user, require_role
from ..database import AuditEvent, Claim, Policy, get_session
from ..services import fraud_client

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/claims", tags=["claims"])

WITHDRAWABLE = ("submitted", "under_review", "awaiting_info")


class ClaimIn(BaseModel):
    policy_number: str = Field(max_length=32)
    incident_date: date
    incident_type: str = Field(pattern="^(collision|theft|water|fire|glass|other)$")
    description: str = Field(min_length=20, max_length=5000)
    estimated_loss: Decimal = Field(gt=0, max_digits=12, decimal_places=2)


class ClaimOut(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    policy_id: int
    status: str
    incident_date: date
    incident_type: str
    estimated_loss: Decimal
    fraud_score: Optional[float] = None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClaimOut)
async def submit_claim(
    body: ClaimIn,
    request: Request,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    logger.info("claim submission user=%s headers=%s", user.id, dict(request.headers))  # expect: SEC007
    policy = await session.scalar(select(Policy).where(Policy.number == body.policy_number))
    if policy is None or policy.holder_id != user.id:
        raise HTTPException(404, detail={"error": "policy_not_found"})

    existing = await session.scalar(select(Claim.id).where(Claim.policy_id == policy.id, Claim.incident_date == body.incident_date, Claim.status.notin_(["withdrawn", "denied"])))  # expect: DB005
    if existing is not None:
        raise HTTPException(409, detail={"error": "duplicate_claim", "claim_id": existing})

    score = fraud_client.score_claim(  # expect: CON001
        {
            "policy": policy.number,
            "product": policy.product,
            "incident_type": body.incident_type,
            "incident_date": body.incident_date.isoformat(),
            "amount": str(body.estimated_loss),
            "claimant": user.id,
        }
    )

    claim = Claim(
        policy_id=policy.id,
        claimant_id=user.id,
        claimant_email=user.email or "",
        incident_date=body.incident_date,
        incident_type=body.incident_type,
        description=body.description,
        estimated_loss=body.estimated_loss,
        fraud_score=score,
        status="submitted",
    )
    session.add(claim)
    await session.flush()
    session.add(AuditEvent(claim_id=claim.id, actor_id=user.id, action="submitted",
                           detail={"fraud_score": score}))
    await session.commit()
    return claim


@router.get("/queue", response_model=list[ClaimOut])
async def triage_queue(
    status_filter: str = Query("submitted", alias="status"),
    limit: int = Query(50, ge=1, le=200),
    user: CurrentUser = Depends(require_role("adjuster", "supervisor")),
    session: AsyncSession = Depends(get_session),
):
    stmt = (
        select(Claim)
        .where(Claim.status == status_filter, Claim.adjuster_id.is_(None))
        .order_by(Claim.created_at)
        .limit(limit)
    )
    return (await session.scalars(stmt)).all()  # ok: DB002


@router.get("/{claim_id}", response_model=ClaimOut)
async def get_claim(
    claim_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    claim = await session.get(Claim, claim_id)
    if claim is None or (claim.claimant_id != user.id and not user.is_staff):  # ok: SEC018
        raise HTTPException(404, detail={"error": "claim_not_found"})
    return claim


@router.post("/{claim_id}/withdraw", response_model=ClaimOut)
async def withdraw_claim(
    claim_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    result = await session.execute(
        update(Claim)
        .where(Claim.id == claim_id, Claim.claimant_id == user.id, Claim.status.in_(WITHDRAWABLE))
        .values(status="withdrawn")  # ok: DB004
    )
    if result.rowcount == 0:
        raise HTTPException(409, detail={"error": "not_withdrawable"})
    session.add(AuditEvent(claim_id=claim_id, actor_id=user.id, action="withdrawn"))
    await session.commit()
    return await session.get(Claim, claim_id)
