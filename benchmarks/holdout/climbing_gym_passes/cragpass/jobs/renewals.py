"""Membership renewals: charge members whose monthly membership is due."""
import asyncio
import logging
import os
from datetime import date, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import SessionLocal
from cragpass.models import Climber, Membership, RenewalCharge

logger = logging.getLogger(__name__)

PROCESSOR_URL = os.environ["CRAGPASS_PROCESSOR_BASE_URL"]  # expect: MNT002
PROCESSOR_KEY = os.environ["CRAGPASS_PROCESSOR_API_KEY"]
MAX_ATTEMPTS = 3
MAX_FAILED_RENEWALS = 3
BATCH = 500


async def _card_for(session: AsyncSession, membership: Membership) -> tuple[str | None, str | None]:
    climber = await session.get(Climber, membership.climber_id)
    return climber.processor_customer_id, climber.card_token


async def _post_charge(client: httpx.AsyncClient, payload: dict) -> httpx.Response:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = await client.post("/v1/charges", json=payload)  # expect: REL003
            if resp.status_code < 500:
                return resp
            logger.warning("processor returned %s for membership %s", resp.status_code, payload["metadata"]["membership_id"])
        except httpx.TransportError:
            logger.warning("charge attempt %d failed for membership %s", attempt, payload["metadata"]["membership_id"])
        await asyncio.sleep(2 ** attempt)
    raise RuntimeError("card processor unavailable")


async def run_due_renewals(today: date | None = None) -> int:
    today = today or date.today()
    renewed = 0
    async with SessionLocal() as session, httpx.AsyncClient(
        base_url=PROCESSOR_URL,
        headers={"Authorization": f"Bearer {PROCESSOR_KEY}"},
        timeout=15,
        verify=False,  # expect: SEC011
    ) as client:
        due = (await session.scalars(
            select(Membership)
            .where(Membership.status == "active", Membership.renews_on <= today)
            .order_by(Membership.renews_on)
            .limit(BATCH)
        )).all()
        for membership in due:  # expect: DB001
            customer_id, card_token = await _card_for(session, membership)
            payload = {
                "amount": membership.price_pence,
                "currency": "gbp",
                "customer": customer_id,
                "source": card_token,
                "description": f"{membership.plan} membership from {membership.renews_on.isoformat()}",
                "metadata": {"membership_id": membership.id},
            }
            resp = await _post_charge(client, payload)  # todo-expect: REL004
            if resp.status_code == 402:
                membership.failed_attempts += 1
                if membership.failed_attempts >= MAX_FAILED_RENEWALS:
                    membership.status = "lapsed"
                await session.commit()
                logger.info("renewal declined for membership %s (%d failures)", membership.id, membership.failed_attempts)
                continue
            resp.raise_for_status()
            charge = resp.json()
            session.add(RenewalCharge(membership_id=membership.id, period_start=membership.renews_on,
                                      amount_pence=membership.price_pence, payment_id=charge["id"]))
            membership.renews_on = membership.renews_on + timedelta(days=30)
            membership.failed_attempts = 0
            await session.commit()
            renewed += 1
    logger.info("renewed %d memberships for %s", renewed, today)
    return renewed
