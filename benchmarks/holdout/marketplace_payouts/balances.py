"""Seller balance bookkeeping."""

import logging
from typing import List, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import BalanceEntry, Payout, Seller

log = logging.getLogger(__name__)


class UnknownSeller(LookupError):
    pass


def credit_sale(session: Session, seller_id: int, amount_cents: int, order_ref: str) -> BalanceEntry:
    """Add the seller's share of a paid order to their available balance."""
    if amount_cents <= 0:
        raise ValueError("credit must be positive")
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise UnknownSeller(seller_id)
    entry = BalanceEntry(seller_id=seller_id, amount_cents=amount_cents, kind="sale", reference=order_ref)
    session.add(entry)
    seller.available_cents = seller.available_cents + amount_cents  # expect: DB004
    log.info("seller %s credited %d for order %s", seller_id, amount_cents, order_ref)
    return entry


def debit_refund(session: Session, seller_id: int, amount_cents: int, refund_ref: str) -> None:
    """Take a refunded amount back from the seller; the balance may go negative."""
    session.add(BalanceEntry(seller_id=seller_id, amount_cents=-amount_cents, kind="refund", reference=refund_ref))
    session.execute(
        update(Seller)
        .where(Seller.id == seller_id)
        .values(available_cents=Seller.available_cents - amount_cents)  # ok: DB004
    )


def reserve_for_payout(session: Session, seller_id: int, min_cents: int) -> Optional[int]:
    """Move the whole available balance to pending; caller owns the transaction."""
    seller = session.execute(
        select(Seller).where(Seller.id == seller_id).with_for_update()
    ).scalar_one_or_none()
    if seller is None:
        raise UnknownSeller(seller_id)
    amount = seller.available_cents
    if seller.status != "active" or amount < min_cents:
        return None
    seller.available_cents -= amount  # ok: DB004
    seller.pending_cents += amount
    return amount


def settle_payout(session: Session, seller_id: int, amount_cents: int) -> None:
    session.execute(
        update(Seller).where(Seller.id == seller_id).values(pending_cents=Seller.pending_cents - amount_cents)
    )


def release_payout(session: Session, seller_id: int, amount_cents: int) -> None:
    session.execute(
        update(Seller)
        .where(Seller.id == seller_id)
        .values(
            available_cents=Seller.available_cents + amount_cents,
            pending_cents=Seller.pending_cents - amount_cents,
        )
    )


def in_flight_total(session: Session, seller_id: int) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
            Payout.seller_id == seller_id, Payout.status.in_(("pending", "processing"))
        )
    )


def ledger_page(session: Session, seller_id: int, before_id: Optional[int], limit: int) -> List[BalanceEntry]:
    stmt = select(BalanceEntry).where(BalanceEntry.seller_id == seller_id)
    if before_id is not None:
        stmt = stmt.where(BalanceEntry.id < before_id)
    return list(session.scalars(stmt.order_by(BalanceEntry.id.desc()).limit(limit)))
