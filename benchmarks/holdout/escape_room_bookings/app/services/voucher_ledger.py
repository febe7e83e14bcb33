"""Voucher balance changes for the front-desk till integration.

Every balance change is a single conditional UPDATE, so two tills redeeming the
same voucher at once cannot spend more than its balance.
"""
import logging
import secrets
import string
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import GiftVoucher, VoucherRedemption, utcnow

log = logging.getLogger(__name__)

CODE_ALPHABET = string.ascii_uppercase + string.digits


class VoucherRejected(Exception):
    """Unknown, expired or inactive voucher, or not enough balance."""


def new_voucher_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))


async def issue_at_desk(session: AsyncSession, *, amount_cents: int, recipient_name: str,
                        purchaser_email: str, validity_days: int, till_receipt: str) -> GiftVoucher:
    """A voucher paid for at the desk (cash or card terminal); active immediately."""
    voucher = GiftVoucher(code=new_voucher_code(), initial_cents=amount_cents, balance_cents=amount_cents,
                          recipient_name=recipient_name, purchaser_email=purchaser_email,
                          status="active", purchase_key=f"till-{till_receipt}",
                          expires_on=date.today() + timedelta(days=validity_days))
    session.add(voucher)
    await session.commit()
    log.info("voucher %s issued at the desk (receipt %s)", voucher.id, till_receipt)
    return voucher


async def debit(session: AsyncSession, *, code: str, booking_id: int, amount_cents: int) -> int:
    """Take ``amount_cents`` off the voucher; returns the remaining balance."""
    row = (await session.execute(
        update(GiftVoucher)
        .where(GiftVoucher.code == code.upper(),
               GiftVoucher.status == "active",
               GiftVoucher.expires_on >= date.today(),
               GiftVoucher.balance_cents >= amount_cents)
        .values(balance_cents=GiftVoucher.balance_cents - amount_cents)  # ok: DB004
        .returning(GiftVoucher.id, GiftVoucher.balance_cents))).one_or_none()
    if row is None:
        await session.rollback()
        raise VoucherRejected(code)
    session.add(VoucherRedemption(voucher_id=row.id, booking_id=booking_id, amount_cents=amount_cents))
    await session.commit()
    log.info("voucher %s debited %s cents for booking %s", row.id, amount_cents, booking_id)
    return row.balance_cents


async def reverse(session: AsyncSession, redemption_id: int) -> int | None:
    """Undo a redemption (booking cancelled by us); returns the new balance or None."""
    row = (await session.execute(
        update(VoucherRedemption)
        .where(VoucherRedemption.id == redemption_id, VoucherRedemption.reversed_at.is_(None))
        .values(reversed_at=utcnow())
        .returning(VoucherRedemption.voucher_id, VoucherRedemption.amount_cents))).one_or_none()
    if row is None:
        await session.rollback()
        return None
    balance = await session.scalar(
        update(GiftVoucher).where(GiftVoucher.id == row.voucher_id)
        .values(balance_cents=GiftVoucher.balance_cents + row.amount_cents)
        .returning(GiftVoucher.balance_cents))
    await session.commit()
    log.info("redemption %s reversed; voucher %s back to %s cents", redemption_id, row.voucher_id, balance)
    return balance


async def history(session: AsyncSession, code: str, limit: int = 50) -> list[VoucherRedemption]:
    voucher_id = await session.scalar(select(GiftVoucher.id).where(GiftVoucher.code == code.upper()))
    if voucher_id is None:
        raise VoucherRejected(code)
    rows = await session.scalars(select(VoucherRedemption).where(VoucherRedemption.voucher_id == voucher_id)
                                 .order_by(VoucherRedemption.id.desc()).limit(limit))
    return list(rows)
