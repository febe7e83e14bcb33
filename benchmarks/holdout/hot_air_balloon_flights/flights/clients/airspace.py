"""Client for the airspace restrictions feed (temporary restricted areas, NOTAMs).

Pilots check it before each session; the ops dashboard shows active restrictions
within 25 nm of every launch site.
"""
import datetime
import logging
import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 15)


class AirspaceFeedError(Exception):
    """The restrictions feed could not be read."""


def _build_session() -> requests.Session:
    retry = Retry(  # ok: REL002
        total=3,
        backoff_factor=0.5,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
    session.headers["accept"] = "application/json"
    return session


class AirspaceClient:
    def __init__(self, base_url: str | None = None, api_key: str | None = None):
        self.base_url = (base_url or os.environ.get("AIRSPACE_FEED_URL", "https://notams.example-aviation.net/api")).rstrip("/")
        self.session = _build_session()
        self.session.headers["x-api-key"] = api_key or os.environ.get("AIRSPACE_FEED_API_KEY", "")

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def restrictions_near(self, latitude: float, longitude: float, day: datetime.date, radius_nm: int = 25) -> list[dict]:
        params = {
            "lat": f"{latitude:.4f}",
            "lon": f"{longitude:.4f}",
            "radius_nm": radius_nm,
            "valid_on": day.isoformat(),
        }
        try:
            response = self.session.get(f"{self.base_url}/v2/restrictions", params=params, timeout=DEFAULT_TIMEOUT)  # ok: REL001
            response.raise_for_status()
        except requests.RequestException as exc:
            logger.warning("airspace feed unavailable lat=%s lon=%s", latitude, longitude, exc_info=True)
            raise AirspaceFeedError("Airspace restrictions feed unavailable") from exc
        items = response.json().get("restrictions", [])
        return [
            {
                "id": item["id"],
                "kind": item.get("type", "NOTAM"),
                "summary": item.get("summary", ""),
                "lower_ft": item.get("lower_limit_ft"),
                "upper_ft": item.get("upper_limit_ft"),
                "starts": item.get("start"),
                "ends": item.get("end"),
            }
            for item in items
        ]
