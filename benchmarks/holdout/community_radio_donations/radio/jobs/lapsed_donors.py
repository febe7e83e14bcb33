"""Ask members whose monthly gift failed to update their card.

Runs weekly. Reads failed memberships as a stream and claims each one with a
committed conditional update before e-mailing, so a re-run the same week (or a
second copy of the job) skips donors that were already asked.
"""
import asyncio
import csv
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import or_, select, update

from ..config import settings
from ..models import Donor, RecurringDonation, SessionLocal, engine
from ..services.mailer_async import MailError, send_card_update_request

logger = logging.getLogger("radio.jobs.lapsed_donors")

REMIND_EVERY = timedelta(days=7)
UPDATE_URL = "https://give.kxrd.org/account/card"


def _write_summary(path: Path, rows: list[tuple[int, str, str]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["recurring_id", "donor_email", "outcome"])
        writer.writerows(rows)


async def remind_lapsed_donors() -> int:
    now = datetime.now(timezone.utc)
    cutoff = now - REMIND_EVERY
    outcomes: list[tuple[int, str, str]] = []
    async with SessionLocal() as reader, SessionLocal() as writer:
        stream = await reader.stream(
            select(RecurringDonation.id, RecurringDonation.card_last4, Donor.email, Donor.name)
            .join(Donor, Donor.id == RecurringDonation.donor_id)
            .where(RecurringDonation.status == "failed",
                   or_(RecurringDonation.reminded_at.is_(None), RecurringDonation.reminded_at < cutoff))
            .execution_options(yield_per=500)  # ok: RES003
        )
        async for rec_id, last4, email, name in stream:
            claimed = await writer.execute(
                update(RecurringDonation)
                .where(RecurringDonation.id == rec_id,
                       or_(RecurringDonation.reminded_at.is_(None), RecurringDonation.reminded_at < cutoff))
                .values(reminded_at=now)
            )
            if claimed.rowcount == 0:
                continue
            await writer.commit()  # ok: DB003
            try:
                await send_card_update_request(email, name, last4, UPDATE_URL)  # ok: REL003
                outcomes.append((rec_id, email, "sent"))
            except MailError:
                logger.warning("card update e-mail failed recurring=%s", rec_id, exc_info=True)
                await writer.execute(
                    update(RecurringDonation).where(RecurringDonation.id == rec_id).values(reminded_at=None)
                )
                await writer.commit()
                outcomes.append((rec_id, email, "failed"))

    summary = Path(settings.export_dir) / f"lapsed-{now:%Y-%m-%d}.csv"
    await asyncio.to_thread(_write_summary, summary, outcomes)  # ok: CON001
    logger.info("lapsed donor reminders sent=%s failed=%s",
                sum(1 for o in outcomes if o[2] == "sent"), sum(1 for o in outcomes if o[2] == "failed"))
    return len(outcomes)


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    try:
        await remind_lapsed_donors()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
