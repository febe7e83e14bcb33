"""Season renewal: charge each active subscriber's saved card for next season."""
import asyncio
import logging
from datetime import datetime, timezone

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..db import Patron, Subscription, session_factory
from ..settings import get_settings

log = logging.getLogger(__name__)


class CardDeclined(Exception):
    pass


def _saved_card(db: Session, patron_id: int) -> str | None:
    patron = db.get(Patron, patron_id)  # expect: DB001
    return patron.card_token if patron else None


@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=1, max=20),
    retry=retry_if_exception_type(httpx.TransportError),
    reraise=True,
)
def _charge(card_token: str, amount_cents: int, description: str) -> str:
    s = get_settings()
    with httpx.Client(base_url=s.payments_base_url, timeout=s.http_timeout_seconds) as client:
        resp = client.post(  # expect: REL003
            "/charges",
            json={"source": card_token, "amount": amount_cents, "currency": "usd", "description": description},
            headers={"Authorization": f"Bearer {s.payments_api_key}"},
        )
    if resp.status_code == 402:
        raise CardDeclined(resp.json().get("decline_code", "declined"))
    resp.raise_for_status()
    return resp.json()["id"]


async def _send_confirmation(patron_id: int, season: str) -> None:
    s = get_settings()
    async with httpx.AsyncClient(base_url=s.mailer_base_url, timeout=s.http_timeout_seconds) as client:
        await client.post("/send", json={"template": "renewal_confirmed", "patron_id": patron_id, "season": season})


async def run_renewals(season: str) -> int:
    """Renew every active subscription from the previous season."""
    previous = f"{int(season[:4]) - 1}-{season[:4]}"
    batch = get_settings().renewal_batch_size
    renewed = 0
    with session_factory()() as db:
        subs = db.scalars(  # expect: CON001
            select(Subscription)
            .where(Subscription.season == previous, Subscription.status == "active")
            .order_by(Subscription.id)
            .limit(batch)
        ).all()
        for sub in subs:
            card = _saved_card(db, sub.patron_id)
            if not card:
                sub.status = "lapsed"
                continue
            try:
                charge_id = _charge(card, sub.price_cents, f"{season} subscription #{sub.id}")  # expect: CON001
            except CardDeclined as exc:
                log.info("subscription %s declined: %s", sub.id, exc)
                sub.status = "payment_failed"
                continue
            except Exception as exc:
                log.error(f"renewal failed for subscription {sub.id}: {exc}")  # expect: OBS002
                continue
            sub.season = season
            sub.renewed_at = datetime.now(timezone.utc)
            log.info("subscription %s renewed with charge %s", sub.id, charge_id)
            asyncio.create_task(_send_confirmation(sub.patron_id, season))  # expect: REL005
            renewed += 1
        db.commit()  # expect: REL004
    log.info("renewal run for %s: %d of %d renewed", season, renewed, len(subs))
    return renewed
