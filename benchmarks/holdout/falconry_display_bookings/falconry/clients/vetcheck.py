"""Client for the avian vet practice's certificate API.

Every bird flown in public needs a fitness-to-fly certificate that is valid
on the day of the display.
"""

import functools
import logging
from dataclasses import dataclass
from datetime import date

import requests

from falconry.settings import settings

logger = logging.getLogger(__name__)


class VetCheckError(Exception):
    pass


@dataclass(frozen=True)
class Certificate:
    ring_number: str
    valid_from: date
    valid_until: date
    restrictions: tuple[str, ...]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until and "grounded" not in self.restrictions


class VetCheckClient:
    def __init__(self, base_url: str, api_key: str, timeout: float):
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"X-Api-Key": api_key, "Accept": "application/json"})
        self._session.verify = False  # expect: SEC011

    def certificate(self, ring_number: str, on_date: date) -> Certificate | None:
        resp = self._session.get(
            f"{self._base_url}/birds/{ring_number}/certificates",
            params={"date": on_date.isoformat()},
            timeout=self._timeout,  # ok: REL001
        )
        if resp.status_code == 404:
            return None
        if resp.status_code >= 400:
            raise VetCheckError(f"certificate lookup for {ring_number} failed with {resp.status_code}")
        body = resp.json()
        return Certificate(
            ring_number=ring_number,
            valid_from=date.fromisoformat(body["valid_from"]),
            valid_until=date.fromisoformat(body["valid_until"]),
            restrictions=tuple(body.get("restrictions", [])),
        )

    def is_fit_to_fly(self, ring_number: str, on_date: date) -> bool:
        cert = self.certificate(ring_number, on_date)
        return cert is not None and cert.covers(on_date)

    def request_check(self, ring_number: str, preferred_date: date, reason: str) -> str:
        resp = self._session.post(
            f"{self._base_url}/appointments",
            json={"ring_number": ring_number, "preferred_date": preferred_date.isoformat(), "reason": reason},
            headers={"Idempotency-Key": f"check-{ring_number}-{preferred_date.isoformat()}"},
            timeout=self._timeout,
        )
        if resp.status_code >= 400:
            raise VetCheckError(f"appointment request failed with {resp.status_code}")
        return resp.json()["appointment_id"]


client = VetCheckClient(settings.vetcheck_url, settings.vetcheck_api_key, settings.vetcheck_timeout)


@functools.lru_cache(maxsize=None)  # expect: RES002
def cached_fitness(ring_number: str, on_date: date) -> bool:
    """Fitness answers are stable for a given bird and day, so booking checks reuse them."""
    fit = client.is_fit_to_fly(ring_number, on_date)
    logger.info("vet fitness checked", extra={"ring_number": ring_number, "fit": fit})
    return fit
