"""Client for the hospitals' blood-bank stock feed (units on the shelf per blood type)."""
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .settings import get_settings

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)


@dataclass(frozen=True)
class Level:
    hospital_code: str
    blood_type: str
    units: int
    reported_at: datetime


class HospitalFeedError(RuntimeError):
    pass


class HospitalFeedClient:
    def __init__(self, base_url: str, token: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        # The trust gateways present certificates issued by the regional health network's own CA.
        self.session.verify = False  # expect: SEC011
        self.session.mount(
            "https://",
            HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.3, status_forcelist=(502, 503, 504))),
        )

    def levels(self, hospital_code: str) -> list[Level]:
        try:
            resp = self.session.get(f"{self.base_url}/v1/hospitals/{hospital_code}/stock", timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise HospitalFeedError(f"feed unreachable for {hospital_code}") from exc
        if resp.status_code == 404:
            return []
        if not resp.ok:
            raise HospitalFeedError(f"feed returned {resp.status_code} for {hospital_code}")
        body = resp.json()
        reported = datetime.fromisoformat(body["reported_at"])
        return [
            Level(hospital_code, item["blood_type"], int(item["units"]), reported)
            for item in body.get("levels", [])
        ]

    def close(self) -> None:
        self.session.close()


@lru_cache(maxsize=1)
def default_client() -> HospitalFeedClient:
    settings = get_settings()
    return HospitalFeedClient(settings.hospital_feed_url, settings.hospital_feed_token.get_secret_value())


def fetch_levels(hospital_code: str) -> list[Level]:
    """Convenience wrapper used by the dashboard routes."""
    levels = default_client().levels(hospital_code)
    log.info("fetched %d stock levels for %s", len(levels), hospital_code)
    return levels
