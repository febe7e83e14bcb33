"""Aggregate fresh sensor readings into rollups and raise low-humidity alerts."""

import asyncio
import logging
import pickle
from datetime import datetime, timedelta, timezone
from statistics import fmean

import httpx
import redis
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from ..config import get_settings
from ..db import session_scope
from ..models import GrowRoom, Reading, ReadingRollup

logger = logging.getLogger(__name__)
settings = get_settings()

POLL_SECONDS = 60
WINDOW = timedelta(minutes=settings.rollup_bucket_minutes)

_redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
_alerts: asyncio.Queue[dict] = asyncio.Queue(maxsize=1000)


def _rooms() -> list[GrowRoom]:
    with session_scope() as db:
        return list(db.scalars(select(GrowRoom).order_by(GrowRoom.id)))


def _new_readings(room_id: int, since: datetime) -> list[dict]:
    with session_scope() as db:
        rows = db.execute(
            select(Reading.recorded_at, Reading.temperature_c, Reading.humidity_pct, Reading.co2_ppm)
            .where(Reading.room_id == room_id, Reading.recorded_at > since)
            .order_by(Reading.recorded_at)
            .limit(5000)
        ).all()
    return [row._asdict() for row in rows]


def _load_window(room_id: int) -> dict:
    raw = _redis.get(f"agg:window:{room_id}")
    return pickle.loads(raw) if raw else {"since": None, "readings": []}  # expect: SEC004


def _save_window(room_id: int, window: dict) -> None:
    _redis.set(f"agg:window:{room_id}", pickle.dumps(window), ex=3600)


def _write_rollup(room_id: int, bucket_start: datetime, readings: list[dict]) -> None:
    values = {
        "room_id": room_id,
        "bucket_start": bucket_start,
        "samples": len(readings),
        "avg_temperature_c": round(fmean(float(r["temperature_c"]) for r in readings), 2),
        "avg_humidity_pct": round(fmean(float(r["humidity_pct"]) for r in readings), 2),
        "max_co2_ppm": max(r["co2_ppm"] for r in readings),
    }
    stmt = insert(ReadingRollup).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["room_id", "bucket_start"], set_={k: stmt.excluded[k] for k in values if k not in ("room_id", "bucket_start")})
    with session_scope() as db:
        db.execute(stmt)


async def aggregate_room(room: GrowRoom) -> None:
    window = _load_window(room.id)  # expect: CON001
    since = window["since"] or datetime.now(timezone.utc) - WINDOW
    fresh = await asyncio.to_thread(_new_readings, room.id, since)  # ok: CON001
    if not fresh:
        return

    cutoff = fresh[-1]["recorded_at"] - WINDOW
    window = {"since": fresh[-1]["recorded_at"], "readings": [r for r in window["readings"] + fresh if r["recorded_at"] > cutoff]}
    bucket_start = cutoff.replace(second=0, microsecond=0)
    await asyncio.to_thread(_save_window, room.id, window)
    await asyncio.to_thread(_write_rollup, room.id, bucket_start, window["readings"])

    avg_humidity = fmean(float(r["humidity_pct"]) for r in window["readings"])
    if avg_humidity < float(room.min_humidity_pct):
        _alerts.put_nowait({"room_id": room.id, "room": room.name, "avg_humidity_pct": round(avg_humidity, 1), "since": cutoff.isoformat()})  # expect: REL005


async def _deliver_alerts() -> None:
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            alert = await _alerts.get()
            try:
                resp = await client.post(settings.alert_webhook_url, json=alert)
                resp.raise_for_status()
                logger.info("humidity alert sent for room %s", alert["room_id"])
            except httpx.HTTPError:
                logger.warning("humidity alert for room %s not delivered", alert["room_id"], exc_info=True)
            finally:
                _alerts.task_done()


async def run_aggregator() -> None:
    deliverer = asyncio.create_task(_deliver_alerts(), name="alert-delivery")
    try:
        while True:  # ok: REL002
            rooms = await asyncio.to_thread(_rooms)
            for room in rooms:
                try:
                    await aggregate_room(room)
                except Exception:  # expect: ERR001
                    continue
            await asyncio.sleep(POLL_SECONDS)
    finally:
        deliverer.cancel()
