"""Weekly cleaner payouts, run by the payouts CronJob (python -m app.services.payouts)."""
import asyncio
import logging

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import SessionLocal, configure_logging, settings
from app.models import Cleaner, Payout

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


async def stage_payouts(session: AsyncSession) -> int:
    """Move each cleaner's pending balance into a pending Payout row, under a row lock."""
    staged = 0
    last_id = 0
    while True:
        async with session.begin():
            cleaners = (
                await session.scalars(
                    select(Cleaner)
                    .where(Cleaner.id > last_id, Cleaner.pending_payout_cents > 0)
                    .order_by(Cleaner.id)
                    .limit(BATCH_SIZE)
                    .with_for_update(skip_locked=True)  # ok: DB004
                )
            ).all()
            if not cleaners:
                return staged
            for cleaner in cleaners:
                session.add(Payout(cleaner_id=cleaner.id, amount_cents=cleaner.pending_payout_cents))
                cleaner.pending_payout_cents = 0
            staged += len(cleaners)
            last_id = cleaners[-1].id


async def send_transfer(client: httpx.AsyncClient, payout: Payout, account_id: str) -> str:
    resp = await client.post(
        "/transfers",
        json={"amount": payout.amount_cents, "currency": "usd", "destination": account_id},
        headers={"Idempotency-Key": f"payout-{payout.id}"},  # ok: REL003
    )
    resp.raise_for_status()
    return resp.json()["id"]


async def send_pending_payouts(session: AsyncSession, client: httpx.AsyncClient) -> int:
    sent = 0
    last_id = 0
    while True:
        rows = (
            await session.execute(
                select(Payout, Cleaner.payout_account_id)
                .join(Cleaner, Cleaner.id == Payout.cleaner_id)
                .where(Payout.status == "pending", Payout.id > last_id)
                .order_by(Payout.id)
                .limit(BATCH_SIZE)
            )
        ).all()
        if not rows:
            return sent
        for payout, account_id in rows:
            last_id = payout.id
            if not account_id:
                logger.warning("cleaner %s has no payout account; payout %s held", payout.cleaner_id, payout.id)
                continue
            try:
                transfer_id = await send_transfer(client, payout, account_id)
            except httpx.HTTPError:
                logger.exception("transfer failed for payout %s (cleaner %s)", payout.id, payout.cleaner_id)
                continue
            payout.status = "sent"
            payout.provider_transfer_id = transfer_id
            await session.commit()  # ok: DB003
            sent += 1


async def main() -> None:
    configure_logging()
    timeout = httpx.Timeout(20.0, connect=5.0)
    headers = {"Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=settings.payments_base_url, timeout=timeout, headers=headers) as client:
        async with SessionLocal() as session:
            staged = await stage_payouts(session)
            sent = await send_pending_payouts(session, client)
    logger.info("payout run finished: %d staged, %d transfers sent", staged, sent)


if __name__ == "__main__":
    asyncio.run(main())
