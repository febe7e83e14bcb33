"""Seat offers: issuing, accepting and declining.

Seat counts change only through conditional UPDATE statements and rows that
are decided on are locked, so two admins or two browser tabs cannot hand out
the same seat. Parent notifications go through the outbox table, written in
the same transaction as the offer.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Application, Classroom, Enrollment, Offer, OutboxMessage

log = logging.getLogger(__name__)

OFFER_VALID_FOR = timedelta(days=5)


class OfferError(Exception):
    """The offer does not exist, is not the caller's, or is no longer open."""


def _claim_seat(session: Session, classroom_id: int) -> bool:
    claimed = session.execute(
        update(Classroom)
        .where(Classroom.id == classroom_id, Classroom.seats_left > 0)
        .values(seats_left=Classroom.seats_left - 1)  # ok: DB004
        .returning(Classroom.id)
    ).first()
    return claimed is not None


def issue_offer(session: Session, classroom_id: int) -> Offer | None:
    candidate = session.scalar(
        select(Application)
        .where(Application.classroom_id == classroom_id, Application.status == "waitlisted")
        .order_by(Application.priority.desc(), Application.submitted_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if candidate is None or not _claim_seat(session, classroom_id):
        session.rollback()
        return None
    offer = Offer(
        application_id=candidate.id,
        classroom_id=classroom_id,
        status="pending",
        expires_at=datetime.now(timezone.utc) + OFFER_VALID_FOR,
    )
    candidate.status = "offered"  # ok: DB005
    session.add(offer)
    session.flush()
    session.add(OutboxMessage(topic="offer.issued", payload={"offer_id": offer.id, "application_id": candidate.id}))  # ok: REL004
    session.commit()
    log.info("seat offered", extra={"offer_id": offer.id, "classroom_id": classroom_id})
    return offer


def _locked_offer(session: Session, offer_id: int, parent_id: int) -> Offer:
    offer = session.scalar(
        select(Offer)
        .join(Application, Application.id == Offer.application_id)
        .where(Offer.id == offer_id, Application.parent_id == parent_id)
        .with_for_update(of=Offer)
    )
    if offer is None:
        raise OfferError("offer not found")
    if offer.status != "pending" or offer.expires_at < datetime.now(timezone.utc):
        raise OfferError(f"offer is {offer.status}")
    return offer


def accept_offer(session: Session, offer_id: int, parent_id: int) -> Enrollment:
    offer = _locked_offer(session, offer_id, parent_id)
    application = session.get(Application, offer.application_id)
    classroom = session.get(Classroom, offer.classroom_id)
    offer.status = "accepted"
    application.status = "enrolled"
    enrollment = Enrollment(
        child_id=application.child_id,
        classroom_id=classroom.id,
        monthly_fee_cents=classroom.monthly_fee_cents,
        active=True,
    )
    session.add(enrollment)
    session.flush()
    session.add(OutboxMessage(topic="offer.accepted", payload={"offer_id": offer.id, "enrollment_id": enrollment.id}))
    session.commit()
    return enrollment


def decline_offer(session: Session, offer_id: int, parent_id: int) -> None:
    offer = _locked_offer(session, offer_id, parent_id)
    offer.status = "declined"
    session.execute(update(Application).where(Application.id == offer.application_id).values(status="declined"))
    session.execute(
        update(Classroom).where(Classroom.id == offer.classroom_id).values(seats_left=Classroom.seats_left + 1)
    )
    session.commit()
