"""Per-park free-site counts for the region map, with closure notices."""
from __future__ import annotations

import asyncio
import logging
from datetime import date

import requests
from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_settings
from app.models import ACTIVE_STATUSES, Park, Reservation, Site

settings = get_settings()
logger = logging.getLogger(__name__)

_summaries: TTLCache = TTLCache(maxsize=512, ttl=90)  # ok: RES002


def _closure_notices(park_code: str) -> list[str]:
    try:
        resp = requests.get(
            f"{settings.fire_restrictions_url}/restrictions",
            params={"unit": park_code},
            timeout=(2, 4),
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning("closure notices unavailable for %s", park_code, exc_info=True)
        return []
    return [r["summary"] for r in resp.json().get("restrictions", [])]


async def region_summary(
    session: AsyncSession, region: str, arrive: date, depart: date
) -> list[dict]:
    key = (region.lower(), arrive, depart)
    hit = _summaries.get(key)
    if hit is not None:
        return hit

    booked = (
        select(Reservation.site_id)
        .where(
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.arrive < depart,
            Reservation.depart > arrive,
        )
        .scalar_subquery()
    )
    stmt = (
        select(Park.id, Park.code, Park.name, func.count(Site.id).label("free"))
        .join(Site, Site.park_id == Park.id)
        .where(Park.region == region, Site.active.is_(True), Site.id.not_in(booked))
        .group_by(Park.id, Park.code, Park.name)
        .order_by(Park.name)
    )
    rows = (await session.execute(stmt)).all()  # ok: DB001

    notices = await asyncio.gather(
        *(asyncio.to_thread(_closure_notices, row.code) for row in rows)  # ok: CON001
    )
    summary = [
        {
            "park_id": row.id,
            "park": row.name,
            "free_sites": row.free,
            "restrictions": park_notices,
        }
        for row, park_notices in zip(rows, notices)
    ]
    _summaries[key] = summary
    return summary


async def park_detail_counts(session: AsyncSession, park_ids: list[int]) -> dict[int, int]:
    """Active site counts for several parks in one round trip."""
    if not park_ids:
        return {}
    rows = await session.execute(
        select(Site.park_id, func.count())
        .where(Site.park_id.in_(park_ids), Site.active.is_(True))
        .group_by(Site.park_id)
    )
    return {park_id: count for park_id, count in rows}
