"""Waitlist handling: queue position and seat offers.

Used by the admin "offer next seat" button and by the withdrawal flow.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import Application, Child, Classroom, Offer, Parent
from app.settings import get_settings

log = logging.getLogger(__name__)

OFFER_VALID_FOR = timedelta(days=5)


def waitlist_position(session: Session, application: Application) -> int:
    ahead = session.scalar(
        select(func.count(Application.id)).where(
            Application.classroom_id == application.classroom_id,
            Application.status == "waitlisted",
            (Application.priority > application.priority)
            | ((Application.priority == application.priority) & (Application.submitted_at < application.submitted_at)),
        )
    )
    return (ahead or 0) + 1


def _notify_parent(session: Session, application: Application, offer: Offer, classroom: Classroom) -> None:
    settings = get_settings()
    parent = session.get(Parent, application.parent_id)
    child = session.get(Child, application.child_id)
    resp = httpx.post(
        f"{settings.mailer_url}/send",
        json={
            "to": parent.email,
            "template": "seat_offer",
            "vars": {
                "parent": parent.full_name,
                "child": child.first_name,
                "classroom": classroom.name,
                "expires": offer.expires_at.date().isoformat(),
            },
        },
        timeout=settings.http_timeout_seconds,
    )
    resp.raise_for_status()


def offer_next_seat(session: Session, classroom_id: int) -> Offer | None:
    classroom = session.get(Classroom, classroom_id)
    if classroom is None or classroom.seats_left <= 0:
        return None
    candidate = session.scalar(
        select(Application)
        .where(Application.classroom_id == classroom_id, Application.status == "waitlisted")
        .order_by(Application.priority.desc(), Application.submitted_at)
        .limit(1)
    )
    if candidate is None:
        log.info("no waitlisted applications", extra={"classroom_id": classroom_id})
        return None

    offer = Offer(
        application_id=candidate.id,
        classroom_id=classroom_id,
        status="pending",
        expires_at=datetime.now(timezone.utc) + OFFER_VALID_FOR,
    )
    session.add(offer)  # expect: DB005
    candidate.status = "offered"
    classroom.seats_left = classroom.seats_left - 1  # expect: DB004
    session.flush()
    _notify_parent(session, candidate, offer, classroom)  # expect: REL004
    session.commit()
    log.info("seat offered", extra={"offer_id": offer.id, "application_id": candidate.id})
    return offer


def expire_offers(session: Session) -> int:
    now = datetime.now(timezone.utc)
    expired = session.execute(
        update(Offer)
        .where(Offer.status == "pending", Offer.expires_at < now)
        .values(status="expired")
        .returning(Offer.classroom_id, Offer.application_id)
    ).all()
    released = Counter(classroom_id for classroom_id, _ in expired)
    for classroom_id, seats in released.items():
        session.execute(
            update(Classroom).where(Classroom.id == classroom_id).values(seats_left=Classroom.seats_left + seats)
        )
    if expired:
        lapsed_ids = [application_id for _, application_id in expired]
        session.execute(update(Application).where(Application.id.in_(lapsed_ids)).values(status="lapsed"))
    session.commit()
    return len(expired)
