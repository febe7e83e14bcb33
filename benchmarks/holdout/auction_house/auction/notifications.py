"""Sends queued notifications (outbid, ending soon) through the mail API.

Runs as its own worker: ``python -m auction.notifications``.
"""
import logging
import pickle
import random
import string
import time
from datetime import datetime, timezone

import httpx
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import get_settings
from .models import Notification, SessionLocal, User, get_engine

logger = logging.getLogger("auction.notifications")

TEMPLATES = {
    "outbid": ("You have been outbid on {title}", "A bid of {amount} was placed on {title}.\nBid again: {url}"),
    "ending_soon": ("{title} ends soon", "The auction for {title} ends in a few minutes.\n{url}"),
}
DEFAULT_PREFERENCES = {"outbid": True, "ending_soon": True}


def _unsubscribe_token() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=32))  # expect: SEC010


def _preferences(cache: redis.Redis, user_id: int) -> dict:
    raw = cache.get(f"prefs:{user_id}")
    if raw is None:
        return DEFAULT_PREFERENCES
    return pickle.loads(raw)  # expect: SEC004


def _recipient(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def _render(note: Notification, user: User) -> tuple[str, str]:
    settings = get_settings()
    subject_tpl, body_tpl = TEMPLATES[note.kind]
    values = {
        "title": note.payload.get("title", "your auction"),
        "amount": f"{note.payload.get('amount_minor', 0) / 100:.2f}",
        "url": f"{settings.public_base_url}/auctions/{note.auction_id}",
    }
    unsubscribe = f"{settings.public_base_url}/unsubscribe/{user.unsubscribe_token}"
    return subject_tpl.format(**values), body_tpl.format(**values) + f"\n\nUnsubscribe: {unsubscribe}"


def dispatch_batch(db: Session, http: httpx.Client, cache: redis.Redis, limit: int) -> int:
    notes = db.scalars(
        select(Notification)
        .where(Notification.sent_at.is_(None), Notification.attempts < 5)
        .order_by(Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for note in notes:
        user = _recipient(db, note.user_id)  # expect: DB001
        if user is None or not _preferences(cache, user.id).get(note.kind, True):
            note.sent_at = datetime.now(timezone.utc)
            continue
        if user.unsubscribe_token is None:
            user.unsubscribe_token = _unsubscribe_token()
        subject, text = _render(note, user)
        try:
            response = http.post(
                "/messages",
                json={"to": user.email, "subject": subject, "text": text},
                headers={"Idempotency-Key": f"notification-{note.id}"},  # ok: REL003
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            note.attempts += 1
            logger.error(f"notification {note.id} to user {user.id} failed: {exc}")  # expect: OBS002
            continue
        note.sent_at = datetime.now(timezone.utc)
        sent += 1
    db.commit()
    return sent


def main() -> None:
    settings = get_settings()
    cache = redis.Redis.from_url(settings.redis_url, socket_timeout=settings.redis_socket_timeout)
    with httpx.Client(
        base_url=settings.mail_api_base,
        timeout=10.0,
        headers={"Authorization": f"Bearer {settings.mail_api_key}"},
    ) as http:
        while True:  # ok: REL002
            with SessionLocal(bind=get_engine()) as db:
                sent = dispatch_batch(db, http, cache, settings.notifier_batch_size)
            if sent:
                logger.info("sent %d notifications", sent)
            else:
                time.sleep(2.0)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    main()
