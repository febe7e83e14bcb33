"""Tide times for each beach, from the coastal data service."""
from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

import requests

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 8)
MAX_ATTEMPTS = 3
CACHE_ENTRIES = 512
CACHE_TTL_SECONDS = 6 * 60 * 60


class TidesUnavailable(Exception):
    pass


@dataclass(frozen=True)
class TideEvent:
    kind: str
    at: datetime
    height_m: float


class TideClient:
    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._cache: OrderedDict[tuple[str, str], tuple[float, list[TideEvent]]] = OrderedDict()
        self._lock = threading.Lock()

    def _cached(self, key: tuple[str, str]) -> list[TideEvent] | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            self._cache.move_to_end(key)
            return entry[1]

    def _store(self, key: tuple[str, str], events: list[TideEvent]) -> None:
        with self._lock:
            self._cache[key] = (time.monotonic() + CACHE_TTL_SECONDS, events)
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES:  # ok: RES002
                self._cache.popitem(last=False)

    def tides(self, station_id: str, day: date) -> list[TideEvent]:
        key = (station_id, day.isoformat())
        cached = self._cached(key)
        if cached is not None:
            return cached
        for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
            try:
                response = self._session.get(
                    f"{self._base}/stations/{station_id}/tides",
                    params={"date": day.isoformat()},
                    timeout=TIMEOUT,
                )
                if response.status_code < 500:
                    response.raise_for_status()
                    events = [
                        TideEvent(kind=e["type"], at=datetime.fromisoformat(e["time"]), height_m=e["height"])
                        for e in response.json()["events"]
                    ]
                    self._store(key, events)
                    return events
            except requests.ConnectionError as exc:
                logger.warning("tide service unreachable for %s (attempt %d): %s", station_id, attempt, exc)
            except requests.Timeout:
                logger.warning("tide service timed out for %s (attempt %d)", station_id, attempt)
            if attempt < MAX_ATTEMPTS:
                time.sleep(0.5 * 2 ** attempt + random.uniform(0, 0.25))  # ok: SEC010
        raise TidesUnavailable(f"no tide data for {station_id} on {day}")

    def next_low_tide(self, station_id: str, after: datetime) -> TideEvent | None:
        try:
            events = self.tides(station_id, after.date())
        except TidesUnavailable:
            return None
        return next((e for e in events if e.kind == "low" and e.at >= after), None)
