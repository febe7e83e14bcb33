"""Closure refund worker. Runs as its own Deployment: `python -m app.workers.refund_worker`.

Closures are turned into refund_requests rows (one per pass, unique per closure)
inside the request that declares them; this process drains that table.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from datetime import date

import aiohttp
import stripe
from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import SessionLocal, settings
from app.models import RefundRequest, SkiPass

log = logging.getLogger("lifts.refunds")
BATCH_SIZE = 50
MAX_ATTEMPTS = 5


async def enqueue_closure(session: AsyncSession, closure_id: int, day: date) -> None:
    """Called in the same transaction that inserts the closure row."""
    eligible = select(
        literal(closure_id), SkiPass.id, SkiPass.payment_intent_id, SkiPass.price_cents
    ).where(SkiPass.kind == "day", SkiPass.valid_from == day, SkiPass.status == "active")
    columns = ["closure_id", "pass_id", "payment_intent_id", "amount_cents"]
    stmt = insert(RefundRequest).from_select(columns, eligible)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["closure_id", "pass_id"]))


async def _notify(http: aiohttp.ClientSession, req: RefundRequest) -> None:
    try:
        async with http.post(f"{settings.notify_url}/push/refund", json={"pass_id": req.pass_id}) as resp:
            if resp.status >= 400:
                log.warning("refund push for pass=%s returned %s", req.pass_id, resp.status)
    except aiohttp.ClientError:
        log.warning("refund push for pass=%s failed", req.pass_id, exc_info=True)


async def run_batch(session: AsyncSession, http: aiohttp.ClientSession) -> int:
    batch = (
        await session.scalars(
            select(RefundRequest)
            .where(RefundRequest.status == "queued")
            .order_by(RefundRequest.id)
            .limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)
        )
    ).all()
    done: list[RefundRequest] = []
    for req in batch:
        try:
            refund = await asyncio.to_thread(  # ok: CON001, REL003
                stripe.Refund.create,
                api_key=settings.stripe_api_key,
                payment_intent=req.payment_intent_id,
                amount=req.amount_cents,
                idempotency_key=f"closure-{req.closure_id}-pass-{req.pass_id}",
            )
        except stripe.error.InvalidRequestError:
            log.exception("refund_request=%s rejected by stripe", req.id)
            req.status = "failed"
            continue
        except stripe.error.StripeError:
            req.attempts += 1
            req.status = "failed" if req.attempts >= MAX_ATTEMPTS else "queued"
            log.warning("refund_request=%s attempt %s failed", req.id, req.attempts, exc_info=True)
            continue
        req.status, req.stripe_refund_id = "done", refund.id
        await session.execute(update(SkiPass).where(SkiPass.id == req.pass_id).values(status="refunded"))
        done.append(req)
    await session.commit()  # ok: DB003
    for req in done:
        await _notify(http, req)
    return len(batch)


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        while not stop.is_set():  # ok: SCL003
            async with SessionLocal() as session:
                handled = await run_batch(session, http)
            if handled == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=5)
                except asyncio.TimeoutError:
                    pass


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
