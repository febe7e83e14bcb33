"""Billing worker, run as its own Deployment: `python -m evcharge.worker`.

Rows are claimed with FOR UPDATE SKIP LOCKED, so an extra replica during a
rollout only shares the work. Invoices are written before the card is charged
and the charge carries the invoice's idempotency key, so a crash between the
two is settled by the next pass instead of charging twice.
"""
import asyncio
import logging
import signal
from datetime import datetime, timezone

import httpx
from sqlalchemy import select, update

from evcharge.billing import price_session
from evcharge.db import session_scope
from evcharge.models import ChargingSession, Connector, Driver, Invoice, Tariff
from evcharge.settings import settings

log = logging.getLogger("evcharge.worker")
MAX_ATTEMPTS = 5


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


async def create_invoices(db) -> int:
    sessions = (await db.execute(
        select(ChargingSession)
        .join(Driver, Driver.id == ChargingSession.driver_id)
        .where(ChargingSession.status == "completed", Driver.autopay.is_(True))
        .order_by(ChargingSession.id)
        .limit(settings.worker_batch_size)
        .with_for_update(of=ChargingSession, skip_locked=True)
    )).scalars().all()
    if not sessions:
        return 0
    tariffs = {t.site_id: t for t in (await db.execute(
        select(Tariff)
        .where(Tariff.site_id.in_({s.site_id for s in sessions}), Tariff.valid_from <= _now())
        .order_by(Tariff.site_id, Tariff.valid_from.desc())
        .distinct(Tariff.site_id)
    )).scalars()}
    for s in sessions:
        tariff = tariffs.get(s.site_id)  # ok: DB001
        if tariff is None:
            log.error("no tariff for site %s; session %s left uninvoiced", s.site_id, s.id)
            continue
        db.add(Invoice(session_id=s.id, driver_id=s.driver_id, amount_cents=price_session(s, tariff),
                       status="pending", idempotency_key=f"evc-session-{s.id}"))
        s.status = "invoiced"
    return len(sessions)


async def collect_invoices(db, client: httpx.AsyncClient) -> int:
    rows = (await db.execute(
        select(Invoice, Driver.payment_customer_ref)
        .join(Driver, Driver.id == Invoice.driver_id)
        .where(Invoice.status == "pending", Invoice.attempts < MAX_ATTEMPTS)
        .order_by(Invoice.id)
        .limit(settings.worker_batch_size)
        .with_for_update(of=Invoice, skip_locked=True)
    )).all()
    for invoice, customer_ref in rows:
        invoice.attempts += 1  # ok: DB004
        try:
            resp = await client.post(
                "/charges",
                json={"customer": customer_ref, "amount": invoice.amount_cents, "currency": settings.currency,
                      "description": f"Charging session {invoice.session_id}"},
                headers={"Idempotency-Key": invoice.idempotency_key},  # ok: REL003
            )
            if resp.status_code in (402, 422):
                invoice.status = "failed"
                log.info("invoice %s declined (%s)", invoice.id, resp.status_code)
                continue
            resp.raise_for_status()
        except httpx.HTTPError:
            log.warning("invoice %s charge attempt %d failed", invoice.id, invoice.attempts, exc_info=True)
            continue
        invoice.status, invoice.provider_ref = "paid", resp.json()["id"]
        await db.execute(update(ChargingSession).where(ChargingSession.id == invoice.session_id).values(status="billed"))
    return len(rows)


async def expire_reservations(db) -> int:
    result = await db.execute(
        update(Connector).where(Connector.status == "reserved", Connector.reserved_until < _now())
        .values(status="available", reserved_by=None, reserved_until=None)
    )
    return result.rowcount


async def run(stop: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {settings.payments_key.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=str(settings.payments_url), headers=headers,
                                 timeout=httpx.Timeout(10.0, connect=3.0)) as client:
        while not stop.is_set():  # ok: REL002
            try:
                async with session_scope() as db:
                    created = await create_invoices(db)
                async with session_scope() as db:
                    collected = await collect_invoices(db, client)
                async with session_scope() as db:
                    expired = await expire_reservations(db)
                if created or collected or expired:
                    log.info("pass: %d invoiced, %d charge attempts, %d reservations expired", created, collected, expired)
            except Exception:
                log.exception("billing pass failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings.worker_poll_seconds)
            except asyncio.TimeoutError:
                pass


async def _main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run(stop)


if __name__ == "__main__":
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(_main())
