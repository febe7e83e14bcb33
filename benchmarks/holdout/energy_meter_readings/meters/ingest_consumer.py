"""Kafka consumer for readings published by the head-end system and the meter gateways."""
import asyncio
import json
import logging
import pickle
import threading
import time
from datetime import datetime
from decimal import Decimal

import asyncpg
from confluent_kafka import Consumer, KafkaError

from meters.settings import Settings

logger = logging.getLogger(__name__)

FLUSH_SIZE = 2_000
FLUSH_SECONDS = 5.0

INSERT_SQL = """
    INSERT INTO readings (meter_id, read_at, kwh, quality, source)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (meter_id, read_at) DO NOTHING
"""


class ReadingConsumer(threading.Thread):
    def __init__(self, settings: Settings, pool: asyncpg.Pool, loop: asyncio.AbstractEventLoop):
        super().__init__(name="kafka-readings", daemon=True)
        self._settings = settings
        self._pool = pool
        self._loop = loop
        self._stop_event = threading.Event()
        self._buffer: list[tuple] = []
        self._buffer_lock = threading.Lock()
        self._consumer = Consumer(
            {
                "bootstrap.servers": settings.kafka_bootstrap,
                "group.id": settings.kafka_group,
                "enable.auto.commit": True,
                "auto.commit.interval.ms": 1000,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": 45_000,
            }
        )

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        self._consumer.subscribe([self._settings.kafka_topic])
        last_flush = time.monotonic()
        try:
            while not self._stop_event.is_set():
                msg = self._consumer.poll(1.0)
                if msg is not None:
                    if msg.error():
                        if msg.error().code() != KafkaError._PARTITION_EOF:
                            logger.warning("kafka error: %s", msg.error())
                        continue
                    try:
                        reading = self._decode(msg)
                    except (KeyError, ValueError, pickle.UnpicklingError) as exc:
                        print(f"dropping undecodable reading at {msg.topic()}/{msg.partition()}@{msg.offset()}: {exc}")  # expect: OBS001
                        continue
                    with self._buffer_lock:
                        self._buffer.append(reading)  # expect: REL005
                if len(self._buffer) >= FLUSH_SIZE or time.monotonic() - last_flush >= FLUSH_SECONDS:
                    self._flush()
                    last_flush = time.monotonic()
        finally:
            self._flush()
            self._consumer.close()

    def _decode(self, msg) -> tuple:
        headers = dict(msg.headers() or [])
        if headers.get("content-format") == b"gw-legacy":
            payload = pickle.loads(msg.value())  # expect: SEC004
        else:
            payload = json.loads(msg.value())
        return (
            payload["meter_id"],
            datetime.fromisoformat(payload["read_at"]),
            Decimal(str(payload["kwh"])),
            payload.get("quality", "A"),
            headers.get("source", b"head-end").decode(),
        )

    def _flush(self) -> None:
        with self._buffer_lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return
        future = asyncio.run_coroutine_threadsafe(self._insert(batch), self._loop)
        try:
            future.result(timeout=30)
            logger.debug("flushed %d readings", len(batch))
        except Exception:
            logger.exception("failed to write %d readings to the database", len(batch))

    async def _insert(self, batch: list[tuple]) -> None:
        async with self._pool.acquire() as conn:
            await conn.executemany(INSERT_SQL, batch)  # ok: DB005
