"""Pulls every hospital's stock feed concurrently and publishes national totals.

Runs inside the worker process (see reminder_worker.main).
"""
import asyncio
import json
import logging
from collections import Counter
from datetime import datetime, timezone

import httpx
from sqlalchemy.dialects.postgresql import insert

from .db import session_factory
from .models import StockLevel
from .settings import get_settings

log = logging.getLogger(__name__)

MAX_CONCURRENT_FEEDS = 8


async def _fetch(client: httpx.AsyncClient, sem: asyncio.Semaphore, code: str) -> tuple[str, dict]:
    async with sem:
        resp = await client.get(f"/v1/hospitals/{code}/stock")
        resp.raise_for_status()
        return code, resp.json()


def _persist(rows: list[dict]) -> None:
    if not rows:
        return
    stmt = insert(StockLevel).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StockLevel.hospital_code, StockLevel.blood_type],
        set_={"units": stmt.excluded.units, "reported_at": stmt.excluded.reported_at},
    )
    with session_factory()() as db:
        db.execute(stmt)
        db.commit()


async def aggregate_once(redis) -> dict:
    settings = get_settings()
    sem = asyncio.Semaphore(MAX_CONCURRENT_FEEDS)
    async with httpx.AsyncClient(
        base_url=settings.hospital_feed_url,
        headers={"Authorization": f"Bearer {settings.hospital_feed_token.get_secret_value()}"},
        timeout=httpx.Timeout(10.0, connect=3.0),
        verify=settings.hospital_ca_bundle or True,
    ) as client:
        results = await asyncio.gather(
            *(_fetch(client, sem, code) for code in settings.hospital_codes), return_exceptions=True
        )

    totals: Counter[str] = Counter()
    rows, failed = [], []
    for code, result in zip(settings.hospital_codes, results):
        if isinstance(result, Exception):
            log.warning("stock feed for %s failed: %r", code, result)
            failed.append(code)
            continue
        _, body = result
        for item in body.get("levels", []):
            totals[item["blood_type"]] += int(item["units"])
            rows.append({"hospital_code": code, "blood_type": item["blood_type"], "units": int(item["units"]),
                         "reported_at": datetime.fromisoformat(body["reported_at"])})

    await asyncio.to_thread(_persist, rows)  # ok: CON001
    summary = {"levels": dict(totals), "failed": failed, "updated_at": datetime.now(timezone.utc).isoformat()}
    await redis.set("stock:national", json.dumps(summary), ex=settings.stock_refresh_seconds * 3)
    log.info("stock aggregated from %d hospitals (%d failed)", len(settings.hospital_codes) - len(failed), len(failed))
    return summary


async def run_forever(redis) -> None:
    interval = get_settings().stock_refresh_seconds
    while True:
        try:
            await aggregate_once(redis)
        except Exception:
            log.exception("stock aggregation round failed")
        await asyncio.sleep(interval)
