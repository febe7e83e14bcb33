"""Daily job (CronJob ``voucher-expiry``): expire lapsed vouchers, warn purchasers 30 days ahead.

Run with:  python -m app.jobs.voucher_expiry
"""
import asyncio
import logging
from datetime import date, timedelta

from sqlalchemy import select, update

from app.clients.sms import SmsError, get_sms_client, normalise_msisdn
from app.db import dispose, session_scope
from app.models import GiftVoucher, utcnow

log = logging.getLogger("app.jobs.voucher_expiry")

WARN_AHEAD = timedelta(days=30)
WARN_BATCH = 500


async def expire_lapsed() -> int:
    async with session_scope() as session:
        result = await session.execute(
            update(GiftVoucher)
            .where(GiftVoucher.status == "active", GiftVoucher.expires_on < date.today())
            .values(status="expired"))
    return result.rowcount


async def claim_warnings() -> list:
    """Mark up to WARN_BATCH vouchers as notified in one statement and return them."""
    due = (select(GiftVoucher.id)
           .where(GiftVoucher.status == "active",
                  GiftVoucher.balance_cents > 0,
                  GiftVoucher.purchaser_phone.is_not(None),
                  GiftVoucher.expiry_notified_at.is_(None),
                  GiftVoucher.expires_on <= date.today() + WARN_AHEAD)
           .limit(WARN_BATCH)
           .scalar_subquery())
    async with session_scope() as session:
        result = await session.execute(
            update(GiftVoucher)
            .where(GiftVoucher.id.in_(due), GiftVoucher.expiry_notified_at.is_(None))
            .values(expiry_notified_at=utcnow())
            .returning(GiftVoucher.id, GiftVoucher.code, GiftVoucher.purchaser_phone,
                       GiftVoucher.balance_cents, GiftVoucher.expires_on))
        return result.all()


async def send_warnings() -> tuple[int, int]:
    sms = get_sms_client()
    claimed = await claim_warnings()
    failed_ids = []
    for voucher_id, code, phone, balance, expires_on in claimed:
        text = (f"Your escape room gift voucher {code} has EUR {balance / 100:.2f} left "
                f"and expires on {expires_on:%d %B}. Book at example-escape.com")
        try:
            await asyncio.to_thread(sms.send, normalise_msisdn(phone), text,  # ok: CON001
                                    f"voucher-expiry-{voucher_id}")
        except (SmsError, ValueError):
            log.warning("expiry warning for voucher %s not sent", voucher_id, exc_info=True)
            failed_ids.append(voucher_id)
    if failed_ids:
        async with session_scope() as session:
            await session.execute(update(GiftVoucher).where(GiftVoucher.id.in_(failed_ids))
                                  .values(expiry_notified_at=None))
    return len(claimed) - len(failed_ids), len(failed_ids)


async def main() -> None:
    try:
        expired = await expire_lapsed()
        sent, failed = await send_warnings()
        log.info("voucher expiry: %s expired, %s warnings sent, %s failed", expired, sent, failed)
    finally:
        await dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
