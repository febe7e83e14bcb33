"""Scheduled jobs, run as a separate single-replica deployment:

    python -m app.worker

Each job also takes a Postgres advisory lock, so an overlapping rollout
(old and new worker pod alive at the same time) still runs it once.
"""
from __future__ import annotations

import logging
import signal
from datetime import date
from typing import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import advisory_lock, session_scope
from app.models import Invoice
from app.services.billing import generate_monthly_invoices
from app.services.payments import settle_invoice
from app.services.waitlist import expire_offers
from app.settings import get_settings

log = logging.getLogger("kg.worker")

LOCK_EXPIRE_OFFERS = 0x4B47_0001
LOCK_INVOICES = 0x4B47_0002
LOCK_COLLECT = 0x4B47_0003


def _locked(lock_key: int, name: str, job: Callable[[Session], None]) -> Callable[[], None]:
    def run() -> None:
        with advisory_lock(lock_key) as acquired:
            if not acquired:
                log.info("job %s already running elsewhere, skipping", name)
                return
            with session_scope() as session:
                job(session)
        log.info("job %s finished", name)
    return run


def _expire(session: Session) -> None:
    expire_offers(session)


def _invoices(session: Session) -> None:
    generate_monthly_invoices(session, date.today().replace(day=1))


def _collect(session: Session) -> None:
    period = date.today().replace(day=1)
    ids = session.scalars(
        select(Invoice.id).where(Invoice.period == period, Invoice.status == "open").order_by(Invoice.id).limit(200)
    ).all()
    for invoice_id in ids:
        try:
            settle_invoice(session, invoice_id)
        except Exception:
            log.exception("settling invoice %s failed", invoice_id)
            session.rollback()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    scheduler = BlockingScheduler(
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
    )
    scheduler.add_job(_locked(LOCK_EXPIRE_OFFERS, "expire-offers", _expire), "interval", minutes=15)
    scheduler.add_job(_locked(LOCK_INVOICES, "monthly-invoices", _invoices), "cron", day=1, hour=6)
    scheduler.add_job(_locked(LOCK_COLLECT, "collect", _collect), "cron", day="2-5", hour=9)

    def _stop(signum, frame) -> None:
        log.info("signal %s received, stopping scheduler", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, _stop)
    scheduler.start()  # ok: SCL003


if __name__ == "__main__":
    main()
