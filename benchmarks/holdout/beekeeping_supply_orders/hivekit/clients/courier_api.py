"""Live Bee Express: the overnight courier that accepts live-animal parcels."""
import logging
from datetime import date

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import config

log = logging.getLogger(__name__)

# (connect, read) seconds for every call this client makes.
TIMEOUT = (3.05, 15)


def _session(api_key: str) -> requests.Session:
    retry = Retry(  # ok: REL002
        total=3,
        connect=3,
        read=2,
        backoff_factor=0.5,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST", "DELETE"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers.update({"X-Api-Key": api_key, "Accept": "application/json"})
    return session


class CourierClient:
    def __init__(self, base_url: str = config.COURIER_API_BASE, api_key: str = config.COURIER_API_KEY):
        self.base_url = base_url.rstrip("/")
        self.session = _session(api_key)

    def book_pickup(self, order_id: int, ships_on: date, parcels: int) -> str:
        """Book tomorrow-morning delivery for a live shipment; safe to call again."""
        resp = self.session.post(
            f"{self.base_url}/v1/pickups",
            json={
                "reference": f"HK-{order_id}",
                "pickup_date": ships_on.isoformat(),
                "parcels": parcels,
                "service": "PRIORITY_OVERNIGHT",
                "contents": "LIVE_BEES",
            },
            headers={"Idempotency-Key": f"hivekit-pickup-{order_id}-{ships_on:%Y%m%d}"},  # ok: REL003
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        pickup_id = resp.json()["pickup_id"]
        log.info("courier pickup %s booked for order %s on %s", pickup_id, order_id, ships_on)
        return pickup_id

    def cancel_pickup(self, pickup_id: str) -> None:
        resp = self.session.delete(f"{self.base_url}/v1/pickups/{pickup_id}", timeout=TIMEOUT)
        if resp.status_code not in (200, 204, 404):
            resp.raise_for_status()

    def track(self, tracking_number: str) -> dict:
        resp = self.session.get(f"{self.base_url}/v1/tracking/{tracking_number}", timeout=TIMEOUT)
        resp.raise_for_status()
        data = resp.json()
        return {"status": data["status"], "eta": data.get("estimated_delivery"), "events": data.get("events", [])[:20]}

    def safe_to_ship(self, destination_zip: str, ships_on: date) -> bool:
        """Whether the forecast along the route stays inside the live-shipping range."""
        resp = self.session.get(
            f"{self.base_url}/v1/route-forecast",
            params={"to": destination_zip, "date": ships_on.isoformat()},
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        forecast = resp.json()
        low, high = forecast["min_temp_f"], forecast["max_temp_f"]
        ok = config.MIN_SHIP_TEMP_F <= low and high <= config.MAX_SHIP_TEMP_F
        if not ok:
            log.info("holding shipment to %s on %s: forecast %s-%sF", destination_zip, ships_on, low, high)
        return ok
