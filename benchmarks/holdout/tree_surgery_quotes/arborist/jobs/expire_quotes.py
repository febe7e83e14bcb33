"""Nightly job: expire quotes whose validity has lapsed and tell the customer.

Run by the cluster CronJob as ``python -m arborist.jobs.expire_quotes``.
"""
from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from arborist.db import build_engine
from arborist.models import Customer, Quote
from arborist.settings import get_settings

logger = logging.getLogger("arborist.jobs.expire_quotes")

EXPIRY_TEMPLATE = "quote-expired"
BATCH_LIMIT = 500


def _send_expiry_email(ses, sender: str, customer: Customer, quote: Quote) -> None:
    ses.send_templated_email(
        Source=sender,
        Destination={"ToAddresses": [customer.email]},
        Template=EXPIRY_TEMPLATE,
        TemplateData=json.dumps(
            {
                "name": customer.full_name.split(" ")[0],
                "reference": quote.reference,
                "total": f"£{quote.total_pence / 100:,.2f}",
            }
        ),
    )


async def expire_stale_quotes(maker: async_sessionmaker[AsyncSession], ses, sender: str) -> int:
    now = datetime.now(timezone.utc)
    async with maker() as session:
        stale = (
            await session.scalars(
                select(Quote)
                .where(Quote.status == "sent", Quote.expires_at < now)
                .order_by(Quote.id)
                .limit(BATCH_LIMIT)
            )
        ).all()
        for quote in stale:
            customer = await session.get(Customer, quote.customer_id)  # expect: DB001
            await asyncio.to_thread(_send_expiry_email, ses, sender, customer, quote)  # ok: CON001
            quote.status = "expired"
            logger.info("quote %s expired", quote.reference)
        await session.commit()  # expect: REL004
    return len(stale)


async def main() -> int:
    settings = get_settings()
    engine = build_engine(settings.database_url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    ses = boto3.client(
        "ses",
        region_name=settings.aws_region,
        config=Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 3}),
    )
    try:
        count = await expire_stale_quotes(maker, ses, settings.sender_address)
    finally:
        await engine.dispose()
    return count


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    expired = asyncio.run(main())
    print(f"expired {expired} quotes")  # ok: OBS001
