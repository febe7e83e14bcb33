"""Charge monthly gifts that are due. Runs daily as a Kubernetes CronJob:

    python -m radio.jobs.recurring_billing
"""
import asyncio
import logging
import uuid
from datetime import date

from sqlalchemy import select, update

from ..config import settings
from ..models import Charge, RecurringDonation, SessionLocal, engine
from ..services.processor import CardDeclined, ProcessorClient

logger = logging.getLogger("radio.jobs.recurring_billing")

BATCH_SIZE = 500


def _next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, 28))


async def charge_due_donations(processor: ProcessorClient, today: date | None = None) -> tuple[int, int]:
    today = today or date.today()
    charged = declined = 0
    async with SessionLocal() as session:
        due = (
            await session.execute(
                select(RecurringDonation.id, RecurringDonation.processor_customer_id,
                       RecurringDonation.card_token, RecurringDonation.amount_cents,
                       RecurringDonation.next_charge_on)
                .where(RecurringDonation.status == "active", RecurringDonation.next_charge_on <= today)
                .order_by(RecurringDonation.id)
                .limit(BATCH_SIZE)
            )
        ).all()
        for rec_id, customer_id, card_token, amount_cents, next_on in due:
            period = next_on.strftime("%Y-%m")
            try:
                result = await processor.charge(
                    customer_id,
                    card_token,
                    amount_cents,
                    idempotency_key=str(uuid.uuid4()),  # expect: REL003
                    description=f"KXRD monthly membership {period}",
                )
                session.add(Charge(recurring_id=rec_id, period=period, amount_cents=result.amount_cents,
                                   processor_charge_id=result.charge_id))
                await session.execute(
                    update(RecurringDonation)
                    .where(RecurringDonation.id == rec_id)
                    .values(next_charge_on=_next_month(next_on), failure_count=0)
                )
                await session.commit()  # ok: DB003
                charged += 1
            except CardDeclined as exc:
                # The processor also sends charge.failed; the webhook counts failures.
                declined += 1
                logger.info("monthly gift declined recurring=%s code=%s", rec_id, exc.code)
            except Exception:  # expect: ERR001
                await session.rollback()
                continue
    return charged, declined


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    processor = ProcessorClient(settings.processor_base_url, settings.processor_api_key.get_secret_value(),
                                timeout=settings.processor_timeout_seconds)
    try:
        charged, declined = await charge_due_donations(processor)
        logger.info("recurring billing done charged=%s declined=%s", charged, declined)
    finally:
        await processor.aclose()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
