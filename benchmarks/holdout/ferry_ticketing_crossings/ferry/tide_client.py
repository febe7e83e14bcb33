"""Client for the TideLine harbour data API (tide predictions and sea state).

Used before a booking is taken to check that the linkspan at the origin port
has enough water around the departure time.
"""
import logging
import time
from datetime import datetime, timedelta

import requests
from flask import current_app

logger = logging.getLogger(__name__)

WINDOW = timedelta(minutes=45)


class TideLineClient:
    def __init__(self):
        self._session = None

    @property
    def session(self):
        if self._session is None:
            session = requests.Session()
            session.headers.update({
                "X-Api-Key": current_app.config["TIDELINE_API_KEY"],
                "Accept": "application/json",
            })
            self._session = session
        return self._session

    def _url(self, path):
        return current_app.config["TIDELINE_URL"].rstrip("/") + path

    def tide_heights(self, port_code, day):
        """Predicted heights for one port and day: [{"time": iso8601, "height_m": float}]."""
        while True:  # expect: REL002
            try:
                resp = self.session.get(self._url(f"/ports/{port_code}/heights"), params={"date": day.isoformat()})  # expect: REL001
                resp.raise_for_status()
                return resp.json()["heights"]
            except (requests.ConnectionError, requests.HTTPError) as exc:
                logger.warning("TideLine heights request for %s failed: %s", port_code, exc)
                time.sleep(1)

    def sea_state(self, port_code):
        """Current Beaufort force reported at the port, or None."""
        try:
            resp = self.session.get(self._url(f"/ports/{port_code}/sea-state"), timeout=5)
            resp.raise_for_status()
            return resp.json()["beaufort"]
        except Exception:  # expect: ERR001
            return None

    def sailing_is_safe(self, sailing):
        cfg = current_app.config
        heights = self.tide_heights(sailing.origin_port, sailing.departs_at.date())
        start, end = sailing.departs_at - WINDOW, sailing.departs_at + WINDOW
        around_departure = [
            h["height_m"]
            for h in heights
            if start <= datetime.fromisoformat(h["time"]) <= end
        ]
        if around_departure and min(around_departure) < cfg["MIN_TIDE_HEIGHT_M"]:
            logger.info("sailing %s below tide minimum (%.2f m)", sailing.id, min(around_departure))
            return False
        beaufort = self.sea_state(sailing.origin_port)
        return beaufort is None or beaufort < cfg["MAX_BEAUFORT"]


tideline = TideLineClient()
