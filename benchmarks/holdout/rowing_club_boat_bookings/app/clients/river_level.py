"""River-level partner API (gauging stations run by the navigation authority)."""
import logging
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import requests

from app.config import get_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RiverReading:
    station_id: str
    metres: float
    taken_at: datetime
    trend: str  # rising, falling, steady


def _auth_headers() -> dict:
    key = get_settings().river_api_key.get_secret_value()
    return {"X-Api-Key": key} if key else {}


def _fetch_gauge(station_id: str) -> dict:
    base = get_settings().river_api_base
    resp = requests.get(
        f"{base}/stations/{station_id}/readings/latest",
        headers=_auth_headers(),
        timeout=(3, 8),
    )
    resp.raise_for_status()
    return resp.json()


def _reading_from(payload: dict) -> RiverReading:
    item = payload["items"][0]
    return RiverReading(
        station_id=payload["station"],
        metres=float(item["value"]),
        taken_at=datetime.fromisoformat(item["dateTime"]),
        trend=item.get("trend", "steady"),
    )


async def current_level(station_id: str) -> RiverReading:
    """Latest stage reading at the station; raises on any API error."""
    payload = _fetch_gauge(station_id)  # expect: CON001
    reading = _reading_from(payload)
    logger.info("river %s at %.2f m (%s)", station_id, reading.metres, reading.trend)
    return reading


async def forecast_levels(station_id: str, hours: int = 24) -> list[tuple[datetime, float]]:
    """Hourly forecast stage for the next `hours`, used by the safety officer's page."""
    base = get_settings().river_api_base
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))  # expect: RES001
    resp = await session.get(
        f"{base}/stations/{station_id}/forecast",
        params={"hours": str(min(hours, 72))},
        headers=_auth_headers(),
    )
    resp.raise_for_status()
    data = await resp.json()
    return [(datetime.fromisoformat(p["dateTime"]), float(p["value"])) for p in data["items"]]


def flag_colour(metres: float, max_safe: float) -> str:
    """Boathouse flag for a stage reading: green, amber (juniors off) or red (closed)."""
    if metres >= max_safe:
        return "red"
    if metres >= max_safe * 0.85:
        return "amber"
    return "green"
