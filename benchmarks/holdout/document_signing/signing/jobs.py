"""Scheduled jobs: expire overdue documents and drain the webhook outbox.

Runs as its own single-replica Deployment: ``python -m signing.jobs``.
"""
import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from .config import Config
from .db import documents, make_engine, webhook_endpoints, webhook_outbox
from .webhooks import deliver

logger = logging.getLogger("signing.jobs")
OUTBOX_BATCH = 50
MAX_DELIVERY_ATTEMPTS = 8


def expire_overdue_documents(engine: Engine) -> int:
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        expired = conn.execute(
            update(documents)
            .where(documents.c.status.in_(("sent", "partially_signed")), documents.c.expires_at < now)
            .values(status="expired")  # ok: DB004
            .returning(documents.c.id, documents.c.owner_id)
        ).all()
        if not expired:
            return 0
        owners = {owner_id for _, owner_id in expired}
        endpoints = conn.execute(
            select(webhook_endpoints.c.id, webhook_endpoints.c.owner_id).where(
                webhook_endpoints.c.owner_id.in_(owners), webhook_endpoints.c.active.is_(True)
            )
        ).all()
        by_owner: dict[int, list[int]] = {}
        for endpoint_id, owner_id in endpoints:
            by_owner.setdefault(owner_id, []).append(endpoint_id)
        events = [
            {
                "endpoint_id": endpoint_id,
                "event_id": f"document.expired:{doc_id}:{endpoint_id}",
                "event_type": "document.expired",
                "payload": {"document_id": str(doc_id)},
            }
            for doc_id, owner_id in expired
            for endpoint_id in by_owner.get(owner_id, [])
        ]
        if events:
            conn.execute(insert(webhook_outbox), events)  # ok: REL004
    logger.info("expired %d documents, queued %d webhook events", len(expired), len(events))
    return len(expired)


def drain_outbox(engine: Engine, timeout: float) -> int:
    now = datetime.now(timezone.utc)
    delivered = 0
    with engine.begin() as conn:
        rows = conn.execute(
            select(webhook_outbox, webhook_endpoints.c.url, webhook_endpoints.c.secret)
            .join(webhook_endpoints, webhook_endpoints.c.id == webhook_outbox.c.endpoint_id)
            .where(
                webhook_outbox.c.delivered_at.is_(None),
                webhook_outbox.c.next_attempt_at <= now,
                webhook_outbox.c.attempts < MAX_DELIVERY_ATTEMPTS,
            )
            .order_by(webhook_outbox.c.id)
            .limit(OUTBOX_BATCH)
            .with_for_update(skip_locked=True, of=webhook_outbox)
        ).mappings().all()
        for row in rows:
            ok = deliver(
                row["url"], row["secret"], row["event_type"], row["payload"],
                event_id=row["event_id"], max_attempts=1, timeout=timeout,  # ok: REL003
            )
            backoff = timedelta(minutes=2 ** row["attempts"])
            conn.execute(
                update(webhook_outbox)
                .where(webhook_outbox.c.id == row["id"])
                .values(
                    attempts=webhook_outbox.c.attempts + 1,
                    delivered_at=now if ok else None,
                    next_attempt_at=now + backoff,
                )
            )
            delivered += int(ok)
    return delivered


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    engine = make_engine(Config.DATABASE_URL, pool_size=2)
    scheduler = BlockingScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 120}
    )
    scheduler.add_job(expire_overdue_documents, "interval", minutes=5, args=[engine], id="expire-documents")
    scheduler.add_job(drain_outbox, "interval", seconds=30, args=[engine, Config.WEBHOOK_TIMEOUT_SECONDS], id="outbox")
    scheduler.start()  # ok: SCL003


if __name__ == "__main__":
    main()
