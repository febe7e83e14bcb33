import json
import logging
import os
import queue
import signal
import threading
import time

import redis

from .db import init_pool, normalise_plate, pool

logger = logging.getLogger(__name__)

EVENT_LIST = "lpr:events"
MIN_CONFIDENCE = float(os.environ.get("LPR_MIN_CONFIDENCE", "0.9"))


def _has_paid_session(conn, plate: str, zone_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM parking_sessions WHERE upper(replace(plate, ' ', '')) = %s AND zone_id = %s AND now() BETWEEN starts_at AND ends_at LIMIT 1",  # expect: DB006
        (plate, zone_id),
    ).fetchone()
    return row is not None


class PlateEventConsumer:
    """Pulls camera sweep events from Redis and records unpaid sightings."""

    def __init__(self, redis_url: str, workers: int = 4):
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=10, decode_responses=True)
        self._buffer: queue.Queue = queue.Queue(maxsize=2000)
        self._workers = workers
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads.append(threading.Thread(target=self._pull, name="lpr-pull", daemon=True))
        for i in range(self._workers):
            self._threads.append(threading.Thread(target=self._work, name=f"lpr-worker-{i}", daemon=True))
        for thread in self._threads:
            thread.start()
        logger.info("plate event consumer started workers=%d", self._workers)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _pull(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._redis.brpop(EVENT_LIST, timeout=5)
            except redis.ConnectionError:
                logger.warning("redis unavailable, backing off", exc_info=True)
                time.sleep(2)
                continue
            if item is None:
                continue
            _, raw = item
            self._buffer.put(json.loads(raw))  # expect: REL005

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                event = self._buffer.get(timeout=1)
            except queue.Empty:
                continue
            try:
                self._handle(event)
            except Exception:
                logger.exception("plate event failed camera=%s sweep=%s",
                                 event.get("camera_id"), event.get("sweep_id"))
            finally:
                self._buffer.task_done()

    def _handle(self, event: dict) -> None:
        zone_id = int(event["zone_id"])
        unpaid = []
        with pool.connection() as conn:
            for sighting in event.get("plates", []):
                if sighting.get("confidence", 0) < MIN_CONFIDENCE:
                    continue
                plate = normalise_plate(sighting["text"])
                if not _has_paid_session(conn, plate, zone_id):  # expect: DB001
                    unpaid.append((plate, zone_id, event["camera_id"], sighting["seen_at"], sighting.get("image_url")))
            if unpaid:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO fine_candidates (plate, zone_id, camera_id, seen_at, image_url)"
                        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        unpaid,
                    )  # ok: DB003
        logger.info("sweep %s zone=%s sightings=%d unpaid=%d", event.get("sweep_id"), zone_id,
                    len(event.get("plates", [])), len(unpaid))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(threadName)s %(message)s")
    init_pool()
    consumer = PlateEventConsumer(os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
                                  workers=int(os.environ.get("LPR_WORKERS", "4")))
    consumer.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    consumer.stop()


if __name__ == "__main__":
    main()
