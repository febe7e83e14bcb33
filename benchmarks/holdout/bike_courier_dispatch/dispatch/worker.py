"""Background work that runs next to the API: merchant status webhooks and stale-job sweeps."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import update

from .db import SessionLocal
from .models import DeliveryJob, JobStatus

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
SWEEP_EVERY_SECONDS = 60
WEBHOOK_RETRY_SECONDS = 2

_webhooks: asyncio.Queue[dict] = asyncio.Queue()


def enqueue_status_webhook(url: str, payload: dict) -> None:
    """Called from async handlers after a job changes state; delivered in the background."""
    _webhooks.put_nowait({"url": url, "payload": payload, "queued_at": datetime.now(timezone.utc).isoformat()})  # expect: REL005


async def _deliver(client: httpx.AsyncClient, item: dict) -> None:
    while True:  # expect: REL002
        try:
            resp = await client.post(item["url"], json=item["payload"])
            if resp.status_code < 500:
                if resp.status_code >= 400:
                    log.warning("webhook %s rejected with %s", item["url"], resp.status_code)
                return
            log.warning("webhook %s answered %s; retrying", item["url"], resp.status_code)
        except httpx.HTTPError as exc:
            log.error("webhook to %s failed: %s", item["url"], exc)  # expect: OBS002
        await asyncio.sleep(WEBHOOK_RETRY_SECONDS)


async def _webhook_loop() -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0)) as client:
        while True:
            item = await _webhooks.get()
            try:
                await _deliver(client, item)
            finally:
                _webhooks.task_done()


async def _sweep_stale_assignments() -> None:
    """Put jobs back in the pool when the courier never confirmed pickup."""
    while True:
        cutoff = datetime.now(timezone.utc) - STALE_AFTER
        with SessionLocal() as db:
            result = db.execute(update(DeliveryJob).where(DeliveryJob.status == JobStatus.ASSIGNED, DeliveryJob.updated_at < cutoff).values(status=JobStatus.PENDING, courier_id=None))  # expect: CON001
            db.commit()
        if result.rowcount:
            log.info("returned %d stale assignments to the pool", result.rowcount)
        await asyncio.sleep(SWEEP_EVERY_SECONDS)


async def run_forever() -> None:
    """Started from the app's lifespan; runs until the task is cancelled at shutdown."""
    log.info("background worker started")
    try:
        await asyncio.gather(_webhook_loop(), _sweep_stale_assignments())
    except asyncio.CancelledError:
        log.info("background worker stopping with %d webhooks queued", _webhooks.qsize())
        raise
