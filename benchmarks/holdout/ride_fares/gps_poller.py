"""Polls the telematics provider for driver GPS positions and stores the latest fix."""
from __future__ import annotations

import logging
import signal
import threading

import pygeohash
import requests

import db
from config import CONFIG

logger = logging.getLogger(__name__)

_UPSERT = (
    "INSERT INTO driver_positions (driver_id, lat, lng, cell6, heading, speed_kmh, status, seen_at) "
    "VALUES (%(driver_id)s, %(lat)s, %(lng)s, %(cell6)s, %(heading)s, %(speed)s, %(status)s, %(ts)s) "
    "ON CONFLICT (driver_id) DO UPDATE SET lat = EXCLUDED.lat, lng = EXCLUDED.lng, cell6 = EXCLUDED.cell6, "
    "heading = EXCLUDED.heading, speed_kmh = EXCLUDED.speed_kmh, status = EXCLUDED.status, "
    "seen_at = EXCLUDED.seen_at WHERE driver_positions.seen_at < EXCLUDED.seen_at"
)


class GpsPoller(threading.Thread):
    def __init__(self, stop: threading.Event) -> None:
        super().__init__(name="gps-poller", daemon=True)
        self._stop_event = stop
        self._session = requests.Session()
        self._session.headers["Accept"] = "application/json"
        self._cursor: str | None = None

    def _fetch(self) -> dict:
        while True:  # expect: REL002
            try:
                resp = self._session.get(
                    CONFIG.gps.feed_url,
                    params={"after": self._cursor, "limit": CONFIG.gps.batch_size},
                    timeout=CONFIG.gps.http_timeout_s,
                    verify=False,  # expect: SEC011
                )
                resp.raise_for_status()
                return resp.json()
            except requests.RequestException:
                logger.warning("gps feed unavailable, retrying", exc_info=True)
                continue

    def _store(self, positions: list[dict]) -> int:
        stored = 0
        with db.connection() as conn:
            for p in positions:
                conn.execute(
                    _UPSERT,
                    {
                        "driver_id": p["driver_id"],
                        "lat": p["lat"],
                        "lng": p["lng"],
                        "cell6": pygeohash.encode(p["lat"], p["lng"], precision=6),
                        "heading": p.get("heading"),
                        "speed": p.get("speed"),
                        "status": p.get("status", "available"),
                        "ts": p["timestamp"],
                    },
                )
                conn.commit()  # expect: DB003
                stored += 1
        return stored

    def run(self) -> None:
        logger.info("gps poller started feed=%s", CONFIG.gps.feed_url)
        while not self._stop_event.is_set():
            try:
                batch = self._fetch()
                stored = self._store(batch.get("positions", []))
                self._cursor = batch.get("next_cursor", self._cursor)
                logger.debug("stored %s positions cursor=%s", stored, self._cursor)
            except Exception:  # expect: ERR001
                pass
            self._stop_event.wait(CONFIG.gps.poll_interval_s)
        self._session.close()
        logger.info("gps poller stopped")


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    poller = GpsPoller(stop)
    poller.start()
    poller.join()
    db.close_pool()


if __name__ == "__main__":
    main()
