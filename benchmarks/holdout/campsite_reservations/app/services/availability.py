"""Free-site search across the parks of a region, with fire restriction notes."""
from __future__ import annotations

import logging
from datetime import date

import requests
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_settings
from app.models import ACTIVE_STATUSES, Park, Reservation, Site

settings = get_settings()
logger = logging.getLogger(__name__)

_results: dict[tuple[str, date, date], list[dict]] = {}


def _fire_restrictions(park_code: str) -> list[str]:
    try:
        resp = requests.get(
            f"{settings.fire_restrictions_url}/restrictions",
            params={"unit": park_code},
            timeout=4,
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning("fire restriction lookup failed for %s", park_code, exc_info=True)
        return []
    return [r["summary"] for r in resp.json().get("restrictions", [])]


async def free_sites(session: AsyncSession, park_id: int, arrive: date, depart: date) -> list[Site]:
    booked = (
        select(Reservation.site_id)
        .where(
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.arrive < depart,
            Reservation.depart > arrive,
        )
        .scalar_subquery()
    )
    result = await session.scalars(
        select(Site)
        .where(Site.park_id == park_id, Site.active.is_(True), Site.id.not_in(booked))
        .order_by(Site.label)
    )
    return list(result)


def _site_row(site: Site) -> dict:
    return {
        "site_id": site.id,
        "label": site.label,
        "kind": site.kind,
        "max_party": site.max_party,
        "nightly_rate_cents": site.nightly_rate_cents,
    }


async def park_availability(
    session: AsyncSession, region: str, arrive: date, depart: date
) -> list[dict]:
    key = (region.lower(), arrive, depart)
    cached = _results.get(key)
    if cached is not None:
        return cached

    parks = (
        await session.scalars(select(Park).where(Park.region == region).order_by(Park.name))
    ).all()
    out: list[dict] = []
    for park in parks:
        sites = await free_sites(session, park.id, arrive, depart)  # expect: DB001
        if not sites:
            continue
        out.append(
            {
                "park_id": park.id,
                "park": park.name,
                "restrictions": _fire_restrictions(park.code),  # expect: CON001
                "sites": [_site_row(s) for s in sites],
            }
        )
    _results[key] = out  # expect: RES002
    return out
