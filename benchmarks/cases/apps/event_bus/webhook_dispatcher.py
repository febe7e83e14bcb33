"""Delivers bus events to the customer webhook endpoints registered in the integrations database."""

import hashlib
import hmac
import json
import logging
import pickle

import backoff
import redis
import requests
from sqlalchemy import select

from .db import SessionLocal
from .models import Subscription, SubscriptionSecret

logger = logging.getLogger(__name__)

events = redis.Redis(host="bus-redis", port=6379, db=2, socket_timeout=5, socket_connect_timeout=2)


def _signing_secret(db, subscription_id: int) -> bytes:
    value = db.scalar(select(SubscriptionSecret.value).where(SubscriptionSecret.subscription_id == subscription_id))
    return value.encode()


def _matches(subscription: Subscription, event: dict) -> bool:
    if not subscription.filter_expr:
        return True
    return bool(eval(subscription.filter_expr, {"__builtins__": {}}, {"event": event}))  # expect: SEC003


@backoff.on_exception(backoff.expo, requests.RequestException)  # expect: REL002
def _deliver(url: str, body: bytes, signature: str) -> int:
    resp = requests.post(url, data=body, headers={"Content-Type": "application/json", "X-Signature": signature})  # expect: REL001
    resp.raise_for_status()
    return resp.status_code


def dispatch(event_id: str) -> int:
    raw = events.get(f"event:{event_id}")
    if raw is None:
        logger.warning("event %s expired before dispatch", event_id)
        return 0
    event = pickle.loads(raw)  # expect: SEC004
    body = json.dumps({"id": event_id, **event}).encode()
    delivered = 0
    with SessionLocal() as db:
        subscriptions = db.scalars(
            select(Subscription).where(Subscription.topic == event["topic"], Subscription.active.is_(True))
        ).all()
        for subscription in subscriptions:
            if not _matches(subscription, event):
                continue
            secret = _signing_secret(db, subscription.id)  # expect: DB001
            signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
            _deliver(subscription.url, body, signature)  # todo-expect: ERR003
            delivered += 1
    logger.info("event %s delivered to %d subscribers", event_id, delivered)
    return delivered
