import logging
import uuid
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, current_user, require_role
from ..database import AuditEvent, Claim, Payout, get_session
from ..services import payment_gateway

logger = logging.getLogger(__name__)
router = APIRouter(tags=["payouts"])

PAYABLE = ("approved", "partially_paid")


class PayoutIn(BaseModel):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    iban: str = Field(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


@router.post("/claims/{claim_id}/payouts", status_code=status.HTTP_201_CREATED)
async def create_payout(
    claim_id: int,
    body: PayoutIn,
    user: CurrentUser = Depends(require_role("adjuster", "supervisor")),
    session: AsyncSession = Depends(get_session),
):
    claim = await session.get(Claim, claim_id)
    if claim is None:
        raise HTTPException(404, detail={"error": "claim_not_found"})
    if claim.status not in PAYABLE:
        raise HTTPException(409, detail={"error": "claim_not_payable", "status": claim.status})
    if claim.paid_amount + body.amount > claim.approved_amount:  # expect: DB005
        raise HTTPException(422, detail={"error": "exceeds_approved_amount",
                                         "remaining": str(claim.approved_amount - claim.paid_amount)})

    try:
        result = await payment_gateway.send_payout(amount=body.amount, iban=body.iban, reference=f"CLM-{claim.id}", idempotency_key=uuid.uuid4().hex)  # expect: REL003, REL004
    except payment_gateway.PayoutError as exc:
        logger.warning("payout rejected claim=%s: %s", claim.id, exc)
        raise HTTPException(502, detail={"error": "payout_rejected", "message": str(exc)})

    claim.paid_amount = claim.paid_amount + body.amount  # expect: DB004
    claim.status = "paid" if claim.paid_amount >= claim.approved_amount else "partially_paid"
    session.add(Payout(claim_id=claim.id, amount=body.amount, provider_ref=result.reference,
                       status=result.status, created_by=user.id))
    session.add(AuditEvent(claim_id=claim.id, actor_id=user.id, action="payout",
                           detail={"amount": str(body.amount), "ref": result.reference}))
    try:
        await session.commit()
    except SQLAlchemyError:
        logger.exception("could not record payout ref=%s claim=%s", result.reference, claim.id)
        return {"status": "paid", "reference": result.reference}  # expect: ERR002

    return {
        "status": claim.status,
        "reference": result.reference,
        "paid_amount": str(claim.paid_amount),
    }


@router.get("/claims/{claim_id}/payouts")
async def list_payouts(
    claim_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    claim = await session.get(Claim, claim_id)
    if claim is None or (claim.claimant_id != user.id and not user.is_staff):
        raise HTTPException(404, detail={"error": "claim_not_found"})
    payouts = (
        await session.scalars(
            select(Payout).where(Payout.claim_id == claim.id).order_by(Payout.created_at)
        )
    ).all()  # ok: DB002
    return [
        {
            "id": p.id,
            "amount": str(p.amount),
            "reference": p.provider_ref,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
        }
        for p in payouts
    ]
