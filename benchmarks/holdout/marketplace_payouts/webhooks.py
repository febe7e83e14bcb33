"""Webhook endpoint for events sent by the payment provider."""

import functools
import hashlib
import hmac
import json
import logging
import time

import boto3
from botocore.config import Config as BotoConfig
from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select

from . import balances, payouts
from .db import get_session
from .models import WebhookEvent

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

SIGNATURE_TOLERANCE_SECONDS = 300


@functools.lru_cache(maxsize=1)
def _sqs():
    return boto3.client(
        "sqs",
        region_name=current_app.config["AWS_REGION"],
        config=BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3}),
    )


def verify_signature(payload: bytes, header: str, secret: str) -> bool:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, signature = parts["t"], parts["v1"]
        age = abs(time.time() - int(timestamp))
    except (KeyError, ValueError):
        return False
    if age > SIGNATURE_TOLERANCE_SECONDS:
        return False
    signed = timestamp.encode() + b"." + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@bp.post("/webhooks/payments")
def payments_webhook():
    payload = request.get_data(cache=False)
    header = request.headers.get("Paylane-Signature", "")
    if not verify_signature(payload, header, current_app.config["WEBHOOK_SECRET"]):
        log.warning("rejected webhook with invalid signature")
        abort(400)

    event = json.loads(payload)
    event_id, kind, obj = event["id"], event["type"], event["data"]["object"]
    session = get_session()
    already_seen = session.scalar(select(WebhookEvent.id).where(WebhookEvent.provider_event_id == event_id))
    if already_seen is not None:
        return jsonify(status="duplicate"), 200

    if kind == "charge.succeeded":
        meta = obj.get("metadata", {})
        balances.credit_sale(session, int(meta["seller_id"]), int(meta["seller_net_cents"]), obj["id"])  # expect: DB005
    elif kind == "transfer.paid":
        payouts.mark_payout_paid(session, obj["id"])
    elif kind == "transfer.failed":
        payouts.mark_payout_failed(session, obj["id"], obj.get("failure_code"))
    else:
        log.info("ignoring webhook %s of type %s", event_id, kind)

    session.add(WebhookEvent(provider_event_id=event_id, type=kind))
    session.commit()

    if kind in ("transfer.paid", "transfer.failed"):
        _sqs().send_message(  # expect: REL004
            QueueUrl=current_app.config["PAYOUT_EVENTS_QUEUE_URL"],
            MessageBody=json.dumps({"event": kind, "transfer_id": obj["id"], "provider_event_id": event_id}),
        )
    log.info("processed webhook %s (%s)", event_id, kind)
    return jsonify(status="ok"), 200
