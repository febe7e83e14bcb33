"""Wave and wind forecast fetcher (Swellcast API)."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from functools import lru_cache

import requests

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.swellcast.io/v3"
KNOTS_PER_MS = 1.943844


class ForecastUnavailable(Exception):
    pass


def _hour_bucket(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:00Z")


@lru_cache(maxsize=None)  # expect: RES002
def _fetch_hour(base_url: str, spot_id: str, hour: str) -> dict:
    response = requests.get(  # expect: REL001
        f"{base_url}/spots/{spot_id}/forecast",
        params={"hour": hour, "units": "metric"},
        headers={"Authorization": f"Token {os.environ.get('SWELLCAST_TOKEN', '')}"},
    )
    if response.status_code == 404:
        raise ForecastUnavailable(f"no forecast for spot {spot_id} at {hour}")
    response.raise_for_status()
    return response.json()


class ForecastClient:
    def __init__(self, base_url: str = DEFAULT_BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")

    def conditions_for(self, spot_id: str, when: datetime) -> dict:
        """Wave height, period and wind for the hour containing ``when``."""
        data = _fetch_hour(self.base_url, str(spot_id), _hour_bucket(when))
        hour = data["hours"][0]
        return {
            "spot_id": str(spot_id),
            "hour": data["hour"],
            "wave_height_m": round(hour["swell"]["height"], 1),
            "wave_period_s": hour["swell"]["period"],
            "wind_knots": round(hour["wind"]["speed"] * KNOTS_PER_MS),
            "wind_direction": hour["wind"]["direction"],
            "offshore": hour["wind"].get("relative") == "offshore",
        }

    def day_outlook(self, spot_id: str, day: datetime) -> list[dict]:
        start = day.replace(hour=7, minute=0, second=0, microsecond=0)
        outlook = []
        for hour in range(7, 20, 2):
            try:
                outlook.append(self.conditions_for(spot_id, start.replace(hour=hour)))
            except ForecastUnavailable:
                logger.info("no forecast for spot %s at %02d:00", spot_id, hour)
        return outlook

    @staticmethod
    def rating(conditions: dict) -> str:
        if conditions["wind_knots"] > 25:
            return "blown out"
        if conditions["wave_height_m"] < 0.3:
            return "flat"
        if conditions["offshore"] and 0.6 <= conditions["wave_height_m"] <= 1.8:
            return "good"
        return "fair"


@lru_cache(maxsize=1)
def get_forecast_client() -> ForecastClient:
    return ForecastClient(os.environ.get("FORECAST_BASE_URL", DEFAULT_BASE_URL))
