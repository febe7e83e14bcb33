"""Client for the Met Office site-specific hourly forecast."""
import datetime
import logging
import time

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

MS_TO_KT = 1.943844
LAUNCH_WINDOWS = {
    "morning": range(5, 9),
    "evening": range(17, 21),
}


class MetOfficeUnavailable(Exception):
    """The forecast service answered with a transient error."""


class MetOfficeClient:
    def __init__(self, api_key: str | None = None, base_url: str | None = None):
        self.base_url = (base_url or settings.MET_OFFICE_BASE_URL).rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {
                "apikey": api_key or settings.MET_OFFICE_API_KEY,
                "accept": "application/json",
                "user-agent": "skyward-balloons-ops/2.3",
            }
        )

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "MetOfficeClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _get(self, path: str, params: dict) -> dict:
        url = f"{self.base_url}{path}"
        attempt = 0
        while True:  # expect: REL002
            try:
                response = self.session.get(url, params=params)  # expect: REL001
                if response.status_code == 429 or response.status_code >= 500:
                    raise MetOfficeUnavailable(f"status {response.status_code}")
                response.raise_for_status()
                return response.json()
            except (requests.ConnectionError, MetOfficeUnavailable) as exc:
                attempt += 1
                logger.error(f"Met Office request to {path} failed: {exc}")  # expect: OBS002
                time.sleep(min(2 ** attempt, 60))

    def hourly(self, site_id: str) -> list[dict]:
        payload = self._get(
            "/sitespecific/v0/point/hourly",
            {"locationId": site_id, "includeLocationName": "false", "excludeParameterMetadata": "true"},
        )
        features = payload.get("features") or []
        if not features:
            return []
        return features[0]["properties"]["timeSeries"]

    def launch_window_forecast(self, site_id: str, day: datetime.date, session: str) -> dict:
        """Worst-case wind, gust, rain and visibility across the launch window."""
        window = LAUNCH_WINDOWS[session]
        hours = [
            entry
            for entry in self.hourly(site_id)
            if datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).date() == day
            and datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).hour in window
        ]
        if not hours:
            raise MetOfficeUnavailable(f"no forecast hours for {site_id} on {day}")
        return {
            "wind_speed_kt": round(max(h["windSpeed10m"] for h in hours) * MS_TO_KT, 1),
            "gust_kt": round(max(h["windGustSpeed10m"] for h in hours) * MS_TO_KT, 1),
            "precip_probability": max(h["probOfPrecipitation"] for h in hours),
            "visibility_m": min(h["visibility"] for h in hours),
        }
