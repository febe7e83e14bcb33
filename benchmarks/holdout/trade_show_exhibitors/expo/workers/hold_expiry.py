"""Housekeeping worker, deployed as its own single Deployment.

    python -m expo.workers.hold_expiry

Every 30 s: release expired booth holds and reconcile payments that were left
'pending' (the API crashed or PayLane timed out between charge and commit).
A Redis lock keeps two copies from working at the same time during rollouts.
"""
import logging
import signal
import threading
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import select, update

from expo.config import settings
from expo.db import session_scope
from expo.models import Booth, Payment
from expo.services.cache import short_lock

logger = logging.getLogger("expo.housekeeping")

INTERVAL_S = 30
RECONCILE_AFTER = timedelta(minutes=10)
RECONCILE_BATCH = 100

stop = threading.Event()


def release_expired_holds() -> int:
    now = datetime.now(timezone.utc)
    with session_scope() as db:
        result = db.execute(
            update(Booth)
            .where(Booth.held_until < now, Booth.exhibitor_id.is_(None))
            .values(held_by_exhibitor_id=None, held_until=None)
        )
        return result.rowcount


def reconcile_pending_payments(http: httpx.Client) -> int:
    cutoff = datetime.now(timezone.utc) - RECONCILE_AFTER
    fixed = 0
    with session_scope() as db:
        stmt = (
            select(Payment)
            .where(Payment.status == "pending", Payment.created_at < cutoff)
            .order_by(Payment.created_at)
            .limit(RECONCILE_BATCH)
            .with_for_update(skip_locked=True)
        )
        for payment in db.scalars(stmt):
            resp = http.get("/charges", params={"idempotency_key": payment.idempotency_key})  # ok: REL001
            if resp.status_code >= 500:
                logger.warning("PayLane %s while reconciling payment %s", resp.status_code, payment.id)
                continue
            resp.raise_for_status()
            charges = resp.json().get("data", [])
            if charges and charges[0]["status"] == "succeeded":
                payment.status, payment.provider_ref = "succeeded", charges[0]["id"]
            else:
                payment.status = "failed"
            fixed += 1
    return fixed


def run_forever() -> None:
    http = httpx.Client(
        base_url=settings.paylane_base_url,
        timeout=httpx.Timeout(settings.paylane_timeout_s, connect=3.0),
        headers={"Authorization": f"Bearer {settings.paylane_secret.get_secret_value()}"},
    )
    while not stop.is_set():  # ok: REL002
        with short_lock("housekeeping", ttl_ms=(INTERVAL_S - 5) * 1000) as acquired:  # ok: SCL003
            if acquired:
                try:
                    released = release_expired_holds()
                    reconciled = reconcile_pending_payments(http)
                    logger.info("housekeeping: released=%s reconciled=%s", released, reconciled)
                except Exception:
                    logger.exception("housekeeping pass failed")
        stop.wait(INTERVAL_S)
    http.close()


if __name__ == "__main__":
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    run_forever()
