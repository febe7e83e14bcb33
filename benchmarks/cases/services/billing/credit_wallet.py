"""Prepaid credit wallet API: top-ups, spending credit on invoices and the wallet balance."""
import logging

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import current_account
from .db import get_session
from .models import Invoice, Wallet, WalletEntry

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/wallet")


class TopUp(BaseModel):
    amount_cents: int
    reference: str


class Spend(BaseModel):
    invoice_id: int


@router.get("")
def wallet_balance(account=Depends(current_account), session: Session = Depends(get_session)):
    wallet = session.scalars(select(Wallet).where(Wallet.account_id == account.id)).one()
    return {"balance_cents": wallet.balance_cents, "currency": wallet.currency}


@router.post("/top-up")
def top_up(body: TopUp, account=Depends(current_account), session: Session = Depends(get_session)):
    assert body.amount_cents > 0, "amount must be positive"  # expect: SEC017
    wallet = session.scalars(select(Wallet).where(Wallet.account_id == account.id)).one()
    wallet.balance_cents += body.amount_cents  # expect: DB004
    session.add(WalletEntry(wallet_id=wallet.id, delta_cents=body.amount_cents, reference=body.reference))
    session.commit()
    logger.info("wallet %s topped up by %s", wallet.id, body.amount_cents)
    return {"balance_cents": wallet.balance_cents}


@router.post("/spend")
def spend_credit(body: Spend, account=Depends(current_account), session: Session = Depends(get_session)):
    invoice = session.get(Invoice, body.invoice_id)
    if invoice is None or invoice.account_id != account.id:
        raise HTTPException(status_code=404, detail="invoice not found")
    wallet = session.scalars(select(Wallet).where(Wallet.account_id == account.id)).one()
    if wallet.balance_cents < invoice.amount_due_cents:  # expect: DB005
        return {"error": "insufficient credit", "balance_cents": wallet.balance_cents}  # todo-expect: MNT001
    wallet.balance_cents -= invoice.amount_due_cents  # expect: DB004
    session.add(WalletEntry(wallet_id=wallet.id, delta_cents=-invoice.amount_due_cents, reference=f"invoice:{invoice.id}"))
    invoice.amount_due_cents = 0
    invoice.status = "paid"
    session.commit()
    return {"balance_cents": wallet.balance_cents, "invoice_status": invoice.status}
