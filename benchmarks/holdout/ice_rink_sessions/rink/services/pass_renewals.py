"""Nightly season-pass renewals.

Run by the `pass-renewals` CronJob: python -m rink.services.pass_renewals
"""
import asyncio
import logging
from datetime import date, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rink.db import SessionLocal, dispose
from rink.models import Customer, SeasonPass
from rink.services.payments import Charge, PaymentDeclined, PaymentUnavailable, payments

logger = logging.getLogger("rink.renewals")

PRICES = {"junior": 18900, "adult": 32900, "family": 74900}
RENEW_AHEAD = timedelta(days=3)


class RenewalFailed(Exception):
    pass


async def _holder(db: AsyncSession, season_pass: SeasonPass) -> Customer:
    return await db.get(Customer, season_pass.customer_id)


async def _charge_renewal(holder: Customer, season_pass: SeasonPass) -> Charge:
    last_error: Exception | None = None
    for attempt in range(3):  # ok: REL002
        try:
            return await payments.charge(  # expect: REL003
                customer_ref=holder.payment_customer_ref,
                amount_cents=PRICES[season_pass.tier],
                description=f"Season pass renewal ({season_pass.tier}) #{season_pass.id}",
            )
        except (PaymentUnavailable, httpx.HTTPStatusError) as exc:
            last_error = exc
            await asyncio.sleep(2 ** attempt)
    raise RenewalFailed(f"pass {season_pass.id}: {last_error}")


async def renew_due_passes(today: date) -> dict[str, int]:
    counts = {"renewed": 0, "declined": 0, "failed": 0}
    async with SessionLocal() as db:
        due = (
            await db.scalars(
                select(SeasonPass)
                .where(SeasonPass.auto_renew.is_(True), SeasonPass.valid_until <= today + RENEW_AHEAD)
                .order_by(SeasonPass.id)
            )
        ).all()
        logger.info("%d passes due for renewal", len(due))

        for season_pass in due:
            holder = await _holder(db, season_pass)  # expect: DB001
            try:
                charge = await _charge_renewal(holder, season_pass)
            except PaymentDeclined:
                season_pass.auto_renew = False
                counts["declined"] += 1
                logger.info("renewal declined for pass %s, auto-renew switched off", season_pass.id)
            except RenewalFailed:
                counts["failed"] += 1
                logger.exception("renewal failed for pass %s", season_pass.id)
                continue
            else:
                season_pass.valid_until = max(season_pass.valid_until, today) + timedelta(days=365)
                season_pass.last_charge_ref = charge.id
                counts["renewed"] += 1
            await db.commit()  # ok: DB003
    return counts


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    try:
        counts = await renew_due_passes(date.today())
        logger.info("renewals finished: %s", counts)
    finally:
        await payments.aclose()
        await dispose()


if __name__ == "__main__":
    asyncio.run(main())
