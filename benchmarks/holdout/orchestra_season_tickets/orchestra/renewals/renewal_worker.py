"""Renewal worker run by the scheduled job container: keyed charges, outbox e-mail."""
import asyncio
import logging
from datetime import datetime, timezone

import httpx
from sqlalchemy import select, text, update
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ..db import Patron, RenewalCharge, Subscription, session_factory
from ..settings import get_settings

log = logging.getLogger(__name__)


def _claim_batch(previous: str, season: str, limit: int) -> list[tuple[int, int, str]]:
    """Mark a batch 'renewing' and record one charge row per subscription for this season."""
    with session_factory()() as db, db.begin():
        rows = db.execute(
            select(Subscription.id, Subscription.price_cents, Patron.card_token)
            .join(Patron, Patron.id == Subscription.patron_id)  # ok: DB001
            .where(
                Subscription.season == previous,
                Subscription.status == "active",
                Patron.card_token.isnot(None),
            )
            .order_by(Subscription.id)
            .limit(limit)
            .with_for_update(of=Subscription, skip_locked=True)
        ).all()
        ids = [r.id for r in rows]
        db.execute(update(Subscription).where(Subscription.id.in_(ids)).values(status="renewing"))
        db.add_all(RenewalCharge(subscription_id=i, season=season) for i in ids)
    return [(r.id, r.price_cents, r.card_token) for r in rows]


def _finish(sub_id: int, season: str, charge_id: str | None, status: str) -> None:
    with session_factory()() as db, db.begin():
        values = {"status": status}
        if charge_id:
            values |= {"season": season, "renewed_at": datetime.now(timezone.utc)}
            db.execute(
                update(RenewalCharge)
                .where(RenewalCharge.subscription_id == sub_id, RenewalCharge.season == season)
                .values(gateway_charge_id=charge_id)
            )
            # the mailer relay reads this table; the e-mail goes out even if we crash now
            db.execute(
                text("INSERT INTO email_outbox (template, subscription_id, season) VALUES (:t, :s, :season)"),
                {"t": "renewal_confirmed", "s": sub_id, "season": season},
            )
        db.execute(update(Subscription).where(Subscription.id == sub_id).values(**values))


async def _charge(client: httpx.AsyncClient, sub_id: int, season: str, amount: int, card: str) -> str | None:
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=1, max=15),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    ):
        with attempt:
            resp = await client.post(  # ok: REL003, REL002
                "/charges",
                json={"source": card, "amount": amount, "currency": "usd"},
                headers={"Idempotency-Key": f"renewal-{sub_id}-{season}"},
            )
    if resp.status_code == 402:
        return None
    resp.raise_for_status()
    return resp.json()["id"]


async def renew_season(season: str) -> int:
    s = get_settings()
    previous = f"{int(season[:4]) - 1}-{season[:4]}"
    renewed = 0
    timeout = httpx.Timeout(s.http_timeout_seconds, connect=3.0)
    headers = {"Authorization": f"Bearer {s.payments_api_key}"}
    async with httpx.AsyncClient(base_url=s.payments_base_url, timeout=timeout, headers=headers) as client:
        while batch := await asyncio.to_thread(_claim_batch, previous, season, s.renewal_batch_size):  # ok: CON001
            for sub_id, amount, card in batch:
                try:
                    charge_id = await _charge(client, sub_id, season, amount, card)
                except httpx.HTTPError:
                    log.exception("renewal charge for subscription %s failed; left in 'renewing'", sub_id)
                    continue
                status = "active" if charge_id else "payment_failed"
                await asyncio.to_thread(_finish, sub_id, season, charge_id, status)
                renewed += bool(charge_id)
    log.info("season %s renewal finished: %d renewed", season, renewed)
    return renewed


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    asyncio.run(renew_season(sys.argv[1]))
