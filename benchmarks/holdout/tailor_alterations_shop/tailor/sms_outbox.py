"""Drains sms_outbox. Runs as its own Deployment: `flask drain-sms-outbox`."""
import logging
import signal
import threading
from datetime import datetime

import click
import httpx
from flask import Blueprint, current_app
from sqlalchemy import select

from tailor.models import SmsOutbox, db

bp = Blueprint("sms_outbox", __name__, cli_group=None)
log = logging.getLogger(__name__)

BATCH = 100
MAX_ATTEMPTS = 5
IDLE_SLEEP_SECONDS = 5

_stop = threading.Event()


def _request_stop(signum, _frame):
    log.info("signal %s received, finishing current batch", signum)
    _stop.set()


def _claim_batch():
    return db.session.execute(
        select(SmsOutbox)
        .where(SmsOutbox.status == "pending")
        .order_by(SmsOutbox.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).scalars().all()


def _send(client, sender, msg):
    # the gateway drops a second message carrying the same client_ref
    resp = client.post(
        "/v1/messages",
        json={"from": sender, "to": msg.to_phone, "text": msg.body, "client_ref": msg.dedupe_key},  # ok: REL003
    )
    resp.raise_for_status()


@bp.cli.command("drain-sms-outbox")
@click.option("--once", is_flag=True, help="process one batch and exit")
def drain(once):
    signal.signal(signal.SIGTERM, _request_stop)
    cfg = current_app.config
    with httpx.Client(
        base_url=cfg["SMS_BASE_URL"],
        headers={"Authorization": f"Token {cfg['SMS_API_TOKEN']}"},
        timeout=httpx.Timeout(8.0, connect=3.0),
    ) as client:
        while not _stop.is_set():  # ok: REL002
            batch = _claim_batch()
            for msg in batch:
                msg.attempts += 1  # ok: DB004
                try:
                    _send(client, cfg["SMS_SENDER"], msg)
                except httpx.HTTPError:
                    log.warning("sms %s attempt %d failed", msg.id, msg.attempts, exc_info=True)
                    if msg.attempts >= MAX_ATTEMPTS:
                        msg.status = "failed"
                        log.error("sms %s gave up after %d attempts", msg.id, msg.attempts)
                    continue
                msg.status = "sent"
                msg.sent_at = datetime.utcnow()
            db.session.commit()
            if batch:
                log.info("outbox batch done: %d messages", len(batch))
            if once:
                break
            if len(batch) < BATCH:
                _stop.wait(IDLE_SLEEP_SECONDS)
