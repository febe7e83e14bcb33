"""Client for the boatyard's pickup scheduling API (van collections from the hard)."""
import logging
import random
import time
from datetime import date, datetime

import httpx

from ..config import get_settings

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 502, 503, 504}
MAX_ATTEMPTS = 4


class YardUnavailable(Exception):
    """The yard API could not be reached after retries."""


class YardClient:
    def __init__(self, base_url: str | None = None, token: str | None = None):
        settings = get_settings()
        self._client = httpx.Client(
            base_url=base_url or str(settings.yard_base_url),
            headers={"Authorization": f"Bearer {token or settings.yard_api_token.get_secret_value()}"},
            timeout=httpx.Timeout(8.0, connect=3.0),  # ok: REL001
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._client.close()

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TransportError:
                logger.warning("yard %s %s transport error attempt=%s", method, path, attempt, exc_info=True)
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    response.raise_for_status()
                    return response
                logger.warning("yard %s %s status=%s attempt=%s", method, path, response.status_code, attempt)
            if attempt < MAX_ATTEMPTS:
                time.sleep(min(8.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.5))  # ok: SEC010
        raise YardUnavailable(f"yard API unavailable for {method} {path}")

    def free_slots(self, yard_id: str, day: date) -> list[datetime]:
        response = self._send("GET", f"/yards/{yard_id}/collection-slots", params={"date": day.isoformat()})
        return [datetime.fromisoformat(slot["start"]) for slot in response.json()["slots"] if slot["free"] > 0]

    def book_collection(self, *, yard_id: str, order_id: int, slot_start: datetime, berth: str) -> str:
        """Book a van collection; the key makes a retried booking return the first one."""
        response = self._send(
            "POST",
            f"/yards/{yard_id}/collections",
            json={"slot_start": slot_start.isoformat(), "reference": f"SAIL-{order_id}", "berth": berth},
            headers={"Idempotency-Key": f"sail-collection-{order_id}-{slot_start:%Y%m%d%H%M}"},  # ok: REL003
        )
        return response.json()["booking_ref"]

    def cancel_collection(self, yard_id: str, booking_ref: str) -> None:
        self._send("DELETE", f"/yards/{yard_id}/collections/{booking_ref}")
