"""Nightly cleanup: expired guest passes, overdue-rental reminders, old audit rows.

Runs as a Kubernetes CronJob:  python -m range_api.jobs.nightly_cleanup
"""
import asyncio
import logging
from html import escape
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..db import session_scope
from ..models import AuditEvent, GuestPass, Rental
from ..services.receipts import send_email
from ..settings import get_settings

logger = logging.getLogger("range_api.jobs.nightly_cleanup")

GUEST_PASS_GRACE = timedelta(days=30)
AUDIT_RETENTION = timedelta(days=400)


async def purge_guest_passes(session, now: datetime) -> int:
    expired = (await session.scalars(
        select(GuestPass).where(GuestPass.expires_at < now - GUEST_PASS_GRACE)
    )).all()
    for guest in expired:
        await session.delete(guest)
        await session.commit()  # expect: DB003
    return len(expired)


async def remind_overdue_rentals(session, client: httpx.AsyncClient, settings, now: datetime) -> int:
    overdue = (await session.scalars(
        select(Rental)
        .where(Rental.returned_at.is_(None), Rental.due_back_at < now)
        .options(selectinload(Rental.member))
    )).all()
    if settings.postmark_token is None:
        logger.warning("postmark token not configured; skipping %s overdue reminders", len(overdue))
        return 0
    token = settings.postmark_token.get_secret_value()
    reminded = 0
    for rental in overdue:
        html = (f"<p>Hi {escape(rental.member.full_name.split()[0])},</p>"
                f"<p>Rental #{rental.id} was due back on {rental.due_back_at:%b %d}. "
                "Please return it at the front desk.</p>")
        try:
            await send_email(client, token, settings.mail_from, rental.member.email,
                             "Your rental is overdue", html, tag="overdue-rental")
            reminded += 1
        except Exception:  # expect: ERR001
            pass
    return reminded


async def trim_audit_log(session, now: datetime) -> int:
    result = await session.execute(delete(AuditEvent).where(AuditEvent.created_at < now - AUDIT_RETENTION))
    await session.commit()
    return result.rowcount


async def run() -> None:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    async with session_scope(settings) as session, httpx.AsyncClient(timeout=10.0) as client:
        purged = await purge_guest_passes(session, now)
        reminded = await remind_overdue_rentals(session, client, settings, now)
        trimmed = await trim_audit_log(session, now)
    logger.info("nightly cleanup: %s guest passes purged, %s overdue reminders, %s audit rows trimmed",
                purged, reminded, trimmed)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(run())
