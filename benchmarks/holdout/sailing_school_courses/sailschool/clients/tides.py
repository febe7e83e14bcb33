"""Tide tables from the harbour authority's open API (async, httpx)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import httpx

from sailschool.config import settings

logger = logging.getLogger(__name__)

PORTS = {"hamble": "0065", "lymington": "0064", "cowes": "0060"}

_client = httpx.AsyncClient(  # ok: REL001
    base_url=settings.tides_base_url,
    headers={"Accept": "application/json", "User-Agent": "sailschool-api/3.8"},
)


@dataclass(frozen=True)
class TideEvent:
    kind: str  # "HW" or "LW"
    at: datetime
    height_m: float


async def tide_events(site: str, day: date) -> list[TideEvent]:
    station = PORTS.get(site)
    if station is None:
        raise ValueError(f"no tide station for {site!r}")

    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = await _client.get(f"/stations/{station}/events", params={"date": day.isoformat(), "days": 1})
            resp.raise_for_status()
            break
        except httpx.HTTPError as exc:
            logger.warning("tide lookup for %s failed (attempt %d): %s", site, attempt, exc)
            await asyncio.sleep(2)

    events = []
    for row in resp.json().get("events", []):
        events.append(
            TideEvent(
                kind="HW" if row["type"] == "HighWater" else "LW",
                at=datetime.fromisoformat(row["time"]),
                height_m=round(float(row["height"]), 2),
            )
        )
    return sorted(events, key=lambda e: e.at)


async def sailing_window(site: str, day: date, hours_either_side: int = 3) -> tuple[datetime, datetime] | None:
    """Window around the first daytime high water, when the slipway is usable."""
    for event in await tide_events(site, day):
        if event.kind == "HW" and 7 <= event.at.hour <= 17:
            span = timedelta(hours=hours_either_side)
            return event.at - span, event.at + span
    return None


async def close() -> None:
    await _client.aclose()
