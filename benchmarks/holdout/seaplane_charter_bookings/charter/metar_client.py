"""Client for the METAR partner feed (aviation routine weather reports)."""
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

CEILING_COVERS = {"BKN", "OVC", "OVX"}


class MetarUnavailable(RuntimeError):
    """The feed did not answer in time or answered with an error."""


@dataclass(frozen=True)
class Observation:
    station: str
    observed_at: datetime
    wind_kt: int
    gust_kt: Optional[int]
    visibility_sm: float
    ceiling_ft: Optional[int]
    raw: str


class MetarClient:
    def __init__(self, base_url, timeout_seconds=4.0, token=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = (2.0, timeout_seconds)
        self.session = requests.Session()
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504),  # ok: REL002
                      allowed_methods=frozenset({"GET"}))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def latest(self, stations):
        """Newest observation per station, keyed by ICAO code."""
        ids = ",".join(sorted(set(stations)))
        try:
            resp = self.session.get(f"{self.base_url}/metar",
                                    params={"ids": ids, "format": "json"},
                                    timeout=self.timeout)
            resp.raise_for_status()
            items = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise MetarUnavailable(f"METAR feed failed for {ids}") from exc

        latest = {}
        for item in items:
            try:
                obs = parse_observation(item)
            except (KeyError, TypeError, ValueError):
                log.warning("skipping unparseable METAR for %s", item.get("icaoId"))
                continue
            current = latest.get(obs.station)
            if current is None or obs.observed_at > current.observed_at:
                latest[obs.station] = obs
        return latest


def _visibility(raw):
    text = str(raw).rstrip("+").strip()
    if "/" in text:
        whole, _, frac = text.rpartition(" ")
        num, den = frac.split("/")
        return (float(whole) if whole else 0.0) + float(num) / float(den)
    return float(text)


def _ceiling(clouds):
    bases = [c["base"] for c in clouds or [] if c.get("cover") in CEILING_COVERS and c.get("base") is not None]
    return min(bases) if bases else None


def parse_observation(item):
    return Observation(
        station=item["icaoId"],
        observed_at=datetime.fromtimestamp(int(item["obsTime"]), tz=timezone.utc),
        wind_kt=int(item.get("wspd") or 0),
        gust_kt=int(item["wgst"]) if item.get("wgst") else None,
        visibility_sm=_visibility(item.get("visib", "10")),
        ceiling_ft=_ceiling(item.get("clouds")),
        raw=item.get("rawOb", ""),
    )
