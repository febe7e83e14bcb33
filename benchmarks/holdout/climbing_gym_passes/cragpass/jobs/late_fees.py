"""Daily late fees for rental gear not returned by its due time.

Run once a day by the cluster scheduler:  python -m cragpass.jobs.late_fees
"""
import asyncio
import logging
from datetime import date, datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import selectinload

from cragpass.clients.processor import PaymentDeclined, ProcessorUnavailable, processor_client
from cragpass.db import SessionLocal, advisory_lock
from cragpass.rental_models import GearRental, LateFeeCharge
from cragpass.settings import get_settings

logger = logging.getLogger(__name__)

BATCH = 200
LOCK_KEY = 0x4C415445  # "LATE"


async def charge_late_fees(today: date | None = None) -> dict[str, int]:
    today = today or date.today()
    fee = get_settings().late_fee_pence_per_day
    processor = processor_client()
    stats = {"charged": 0, "declined": 0, "skipped": 0}
    async with advisory_lock(LOCK_KEY) as acquired, SessionLocal() as session:
        if not acquired:
            logger.info("late fee run already in progress elsewhere")
            return stats
        last_id = 0
        while True:  # ok: REL002
            rentals = (await session.scalars(
                select(GearRental)
                .options(selectinload(GearRental.climber))
                .where(GearRental.status == "out", GearRental.due_at < datetime.now(timezone.utc), GearRental.id > last_id)
                .order_by(GearRental.id)
                .limit(BATCH)
            )).all()
            if not rentals:
                break
            for rental in rentals:
                last_id = rental.id
                charge_id, status = (await session.execute(
                    insert(LateFeeCharge)
                    .values(rental_id=rental.id, fee_date=today, amount_pence=fee, status="pending")
                    .on_conflict_do_update(index_elements=["rental_id", "fee_date"], set_={"fee_date": today})
                    .returning(LateFeeCharge.id, LateFeeCharge.status)
                )).one()
                await session.commit()
                if status != "pending":
                    stats["skipped"] += 1
                    continue
                try:
                    payment = await processor.charge(  # ok: REL003
                        amount_pence=fee,
                        card_token=rental.climber.card_token or "",
                        customer_id=rental.climber.processor_customer_id or "",
                        idempotency_key=f"late-fee-{rental.id}-{today.isoformat()}",
                        description=f"Late return, rental {rental.id}",
                    )
                except PaymentDeclined as exc:
                    values = {"status": "declined", "failure_code": exc.code[:40]}
                    stats["declined"] += 1
                except ProcessorUnavailable:
                    logger.warning("processor unavailable, stopping; pending fees retry on the next run")
                    return stats
                else:
                    values = {"status": "paid", "payment_id": payment["id"]}
                    stats["charged"] += 1
                await session.execute(update(LateFeeCharge).where(LateFeeCharge.id == charge_id).values(**values))
                await session.commit()
    logger.info("late fees for %s: %s", today, stats)
    return stats


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(asyncio.run(charge_late_fees()))
