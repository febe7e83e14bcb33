"""Celery task that moves members to a higher loyalty tier and tells them about it."""
import logging
import os

import requests
from celery import shared_task
from retrying import retry  # todo-expect: DEP002

from .db import SessionLocal
from .models import Member

logger = logging.getLogger(__name__)

MAILER_URL = os.environ.get("MAILER_URL", "http://notifier.internal:8080")
TIERS = [("platinum", 20000), ("gold", 8000), ("silver", 2000), ("bronze", 0)]


def tier_for(points: int) -> str:
    return next(name for name, threshold in TIERS if points >= threshold)


@retry(wait_exponential_multiplier=500, wait_exponential_max=30000)  # expect: REL002
def announce_upgrade(member, new_tier: str):
    resp = requests.post(  # expect: REL003
        f"{MAILER_URL}/notifications",
        json={"channel": "email", "to": member.email, "template": "tier_upgrade", "context": {"tier": new_tier}},
        timeout=5,
    )
    resp.raise_for_status()


@shared_task(name="loyalty.recalculate_tiers")
def recalculate_tiers(batch_size: int = 500):
    upgraded = 0
    with SessionLocal() as session:
        members = session.query(Member).filter(Member.active.is_(True)).order_by(Member.id).yield_per(batch_size)
        for member in members:
            new_tier = tier_for(member.lifetime_points)
            if new_tier == member.tier:
                continue
            member.tier = new_tier
            upgraded += 1
            if new_tier in ("gold", "platinum"):
                announce_upgrade(member, new_tier)  # todo-expect: REL004
        session.commit()
    logger.info("tier recalculation: %s members changed tier", upgraded)
    return upgraded
