"""Marine forecast partner client (sync, requests).

Used by plain ``def`` endpoints, the go/no-go job and the forecast refresher.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sailschool.config import settings

logger = logging.getLogger(__name__)

LAUNCH_SITES = ("hamble", "lymington", "cowes")
_TIMEOUT = (3.05, 10)


class ForecastUnavailable(RuntimeError):
    """The partner API could not give us a reading."""


@dataclass(frozen=True)
class Conditions:
    site: str
    wind_knots: float
    gust_knots: float
    direction_deg: int
    visibility_km: float
    observed_at: str


def _build_session() -> requests.Session:
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers["User-Agent"] = "sailschool-api/3.8"
    return session


_session = _build_session()
_token_lock = threading.Lock()
_token: dict[str, object] = {"value": "", "expires_at": 0.0}


def _access_token() -> str:
    with _token_lock:
        if _token["value"] and time.monotonic() < float(_token["expires_at"]) - 60:
            return str(_token["value"])
        resp = _session.post(
            settings.forecast_token_url,
            data={"grant_type": "client_credentials", "scope": "observations:read"},
            auth=(settings.forecast_client_id, settings.forecast_client_secret.get_secret_value()),
            timeout=_TIMEOUT,
        )
        resp.raise_for_status()
        body = resp.json()
        _token["value"] = body["access_token"]  # ok: CON002
        _token["expires_at"] = time.monotonic() + int(body.get("expires_in", 3600))
        return str(_token["value"])


def current_conditions(site: str) -> Conditions:
    if site not in LAUNCH_SITES:
        raise ValueError(f"unknown launch site {site!r}")
    try:
        resp = _session.get(
            f"{settings.forecast_base_url}/sites/{site}/observations/latest",
            headers={"Authorization": f"Bearer {_access_token()}"},
            timeout=_TIMEOUT,
        )
        resp.raise_for_status()
        data = resp.json()["observation"]
    except (requests.RequestException, KeyError, ValueError) as exc:
        raise ForecastUnavailable(site) from exc
    return Conditions(
        site=site,
        wind_knots=float(data["wind_speed_kt"]),
        gust_knots=float(data.get("wind_gust_kt") or data["wind_speed_kt"]),
        direction_deg=int(data["wind_direction_deg"]),
        visibility_km=float(data.get("visibility_km", 10.0)),
        observed_at=data["observed_at"],
    )


def is_go(conditions: Conditions, boat_class: str) -> bool:
    limit = settings.max_wind_knots_keelboat if boat_class == "keelboat" else settings.max_wind_knots_dinghy
    return (
        conditions.wind_knots <= limit
        and conditions.gust_knots <= settings.max_gust_knots
        and conditions.visibility_km >= settings.min_visibility_km
    )
