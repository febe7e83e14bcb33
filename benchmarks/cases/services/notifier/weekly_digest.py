"""Builds the weekly digest for every subscribed user and queues it for sending."""
import logging
from datetime import date, timedelta

from celery import shared_task
from sqlalchemy import func, select

from .db import SessionLocal
from .digest_mailer import send_digest
from .models import Activity, Digest, NotificationPreference, User

logger = logging.getLogger(__name__)


def get_preferences(session, user_id: int) -> NotificationPreference | None:
    return session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    ).first()


def activity_summary(session, user_id: int, since: date) -> dict:
    rows = session.execute(
        select(Activity.kind, func.count())
        .where(Activity.user_id == user_id, Activity.created_at >= since)
        .group_by(Activity.kind)
    ).all()
    return {kind: count for kind, count in rows}


@shared_task(name="notifier.build_weekly_digests")
def build_weekly_digests():
    week_start = date.today() - timedelta(days=7)
    queued = 0
    with SessionLocal() as session:
        users = session.scalars(select(User).where(User.is_active.is_(True)).execution_options(yield_per=500))
        for user in users:
            prefs = get_preferences(session, user.id)  # expect: DB001
            if prefs is None or not prefs.weekly_digest:
                continue
            try:
                summary = activity_summary(session, user.id, week_start)  # expect: DB001
            except Exception:  # expect: ERR001
                continue
            if not summary:
                continue
            digest = Digest(user_id=user.id, recipient=user.email, week_start=week_start,
                            context={"name": user.first_name, "summary": summary}, state="queued")
            session.add(digest)
            session.flush()
            send_digest.delay(digest.id)  # expect: REL004
            queued += 1
        session.commit()
    logger.info("queued %s weekly digests", queued)
    return queued
