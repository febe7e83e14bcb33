"""Delivers queued chat notifications from the webhook_deliveries table.

Runs as its own single-purpose process:  python -m helpdesk.chat_notify
"""
import json
import logging
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from helpdesk.models import ChatWebhook, WebhookDelivery

logger = logging.getLogger("helpdesk.chat_notify")

BATCH_SIZE = 50
MAX_ATTEMPTS = 6
IDLE_SLEEP_S = 5
_http = requests.Session()  # ok: RES001


def enqueue(session, webhook_id: int, event: str, payload: dict) -> None:
    now = datetime.now(timezone.utc)
    session.add(WebhookDelivery(
        webhook_id=webhook_id,
        event=event,
        payload=json.dumps(payload),
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    ))


def _host(url: str) -> str:
    return urlsplit(url).netloc


def deliver_pending(session) -> int:
    now = datetime.now(timezone.utc)
    stmt = (
        select(WebhookDelivery, ChatWebhook)
        .join(ChatWebhook, ChatWebhook.id == WebhookDelivery.webhook_id)  # ok: DB001
        .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True, of=WebhookDelivery)  # ok: DB005
    )
    rows = session.execute(stmt).all()
    for delivery, hook in rows:
        delivery.attempts += 1  # ok: DB004
        try:
            resp = _http.post(  # ok: REL001
                hook.url,
                data=delivery.payload,
                headers={"Content-Type": "application/json", "Idempotency-Key": f"helpdesk-delivery-{delivery.id}"},  # ok: REL003
                timeout=(3, 10),
            )
            resp.raise_for_status()
            delivery.state = "sent"
        except requests.RequestException as exc:
            delivery.last_error = str(exc)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:  # ok: REL002
                delivery.state = "failed"
                logger.error("delivery %s to %s failed permanently after %d attempts", delivery.id, _host(hook.url), delivery.attempts)  # ok: SEC007
            else:
                delivery.next_attempt_at = now + timedelta(seconds=30 * 2 ** delivery.attempts)
                logger.warning("delivery %s to %s failed (attempt %d)", delivery.id, _host(hook.url), delivery.attempts, exc_info=True)
    session.commit()  # ok: DB003
    return len(rows)


def main() -> None:
    from helpdesk.config import Config
    from helpdesk.models import init_engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    session_factory = init_engine(Config.DATABASE_URL)
    logger.info("chat notification worker started")
    while True:  # ok: REL002
        with session_factory() as session:
            try:
                handled = deliver_pending(session)
            except Exception:
                logger.exception("delivery batch failed")
                session.rollback()
                handled = 0
        if handled < BATCH_SIZE:
            time.sleep(IDLE_SLEEP_S)


if __name__ == "__main__":
    main()
