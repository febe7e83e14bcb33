"""Client for the TideWatch partner API.

The lighthouse is reached over a tidal causeway, so every tour has to start
and finish inside a low-water window. TideWatch publishes those windows per
station and day.
"""
import logging
import time
from datetime import date, datetime, timedelta

import requests
from flask import current_app

log = logging.getLogger(__name__)


class TideClientError(RuntimeError):
    pass


class TideClient:
    def __init__(self, base_url: str | None = None, api_key: str | None = None,
                 station: str | None = None):
        cfg = current_app.config
        self.base_url = (base_url or cfg["TIDES_API_BASE"]).rstrip("/")
        self.api_key = api_key or cfg["TIDES_API_KEY"]
        self.station = station or cfg["TIDES_STATION"]

    def _get(self, path: str, params: dict) -> dict:
        url = f"{self.base_url}{path}"
        while True:  # expect: REL002
            resp = requests.get(url, params=params, headers={"X-Api-Key": self.api_key})  # expect: REL001
            if resp.status_code in (429, 502, 503):
                log.warning("tidewatch busy (%s) for %s, retrying", resp.status_code, path)
                time.sleep(2)
                continue
            if resp.status_code != 200:
                raise TideClientError(f"tidewatch returned {resp.status_code} for {path}")
            return resp.json()

    def causeway_windows(self, day: date) -> list[dict]:
        """Low-water windows for the causeway on ``day`` (station local time)."""
        data = self._get(f"/stations/{self.station}/windows", {"date": day.isoformat()})
        return [
            {
                "opens": datetime.fromisoformat(window["start"]),
                "closes": datetime.fromisoformat(window["end"]),
                "min_height_m": window.get("min_height"),
            }
            for window in data.get("windows", [])
        ]

    def is_crossing_safe(self, starts_at: datetime, duration_min: int = 90) -> bool:
        """True if a tour starting at ``starts_at`` fits inside one window."""
        try:
            windows = self.causeway_windows(starts_at.date())
        except Exception:  # expect: ERR001
            return True
        finishes_at = starts_at + timedelta(minutes=duration_min)
        return any(w["opens"] <= starts_at and finishes_at <= w["closes"] for w in windows)

    def next_window(self, after: datetime) -> dict | None:
        for offset in range(3):
            for window in self.causeway_windows(after.date() + timedelta(days=offset)):
                if window["opens"] >= after:
                    return window
        return None
