"""Prepaid credit wallet API: adjustments by support staff and the paginated wallet statement."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .auth import current_account, require_role
from .db import get_session
from .models import Wallet, WalletEntry

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/wallet")


class Adjustment(BaseModel):
    account_id: int
    amount_cents: int = Field(ge=-100_000, le=100_000)
    reason: str = Field(min_length=3, max_length=200)


@router.post("/adjustments", dependencies=[Depends(require_role("support"))])
def adjust_wallet(body: Adjustment, session: Session = Depends(get_session)):
    if body.amount_cents == 0:
        raise HTTPException(status_code=422, detail="amount_cents must not be zero")
    stmt = (
        update(Wallet)
        .where(Wallet.account_id == body.account_id, Wallet.balance_cents + body.amount_cents >= 0)
        .values(balance_cents=Wallet.balance_cents + body.amount_cents)
        .returning(Wallet.id, Wallet.balance_cents)
    )
    row = session.execute(stmt).first()  # ok: DB004
    if row is None:
        session.rollback()
        raise HTTPException(status_code=409, detail="adjustment would make the balance negative")
    session.add(WalletEntry(wallet_id=row.id, delta_cents=body.amount_cents, reference=f"adjustment:{body.reason}"))
    session.commit()
    logger.info("wallet %s adjusted by %s", row.id, body.amount_cents)
    return {"balance_cents": row.balance_cents}


@router.get("/statement")
def wallet_statement(
    account=Depends(current_account),
    session: Session = Depends(get_session),
    limit: int = Query(50, ge=1, le=200),
    before_id: int | None = Query(None),
):
    wallet = session.scalars(select(Wallet).where(Wallet.account_id == account.id)).one()
    query = select(WalletEntry).where(WalletEntry.wallet_id == wallet.id)
    if before_id is not None:
        query = query.where(WalletEntry.id < before_id)
    entries = session.scalars(query.order_by(WalletEntry.id.desc()).limit(limit)).all()  # ok: DB002
    return {
        "balance_cents": wallet.balance_cents,
        "entries": [
            {"id": e.id, "delta_cents": e.delta_cents, "reference": e.reference, "at": e.created_at.isoformat()}
            for e in entries
        ],
        "next_before_id": entries[-1].id if len(entries) == limit else None,
    }
