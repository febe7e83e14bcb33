"""Deposit refunds for students who withdraw from a course in good time."""
from __future__ import annotations

import logging
import time
from datetime import date, timedelta

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.orm import Session

from sailschool.auth import current_student
from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Enrollment, Refund, Student

logger = logging.getLogger(__name__)
router = APIRouter(tags=["refunds"])

MAX_ATTEMPTS = 3
ADMIN_FEE_PENCE = 1500


def _refund_deposit(payment_intent_id: str, amount_pence: int, enrollment_id: int) -> stripe.Refund | None:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return stripe.Refund.create(  # expect: REL003
                payment_intent=payment_intent_id,
                amount=amount_pence,
                reason="requested_by_customer",
                metadata={"enrollment_id": str(enrollment_id)},
            )
        except (stripe.error.APIConnectionError, stripe.error.RateLimitError) as exc:
            logger.warning("refund attempt %d for enrollment %s failed: %s", attempt, enrollment_id, exc)
            time.sleep(2 ** attempt)
    return None


@router.post("/enrollments/{enrollment_id}/refund")
def refund_enrollment(
    enrollment_id: int,
    student: Student = Depends(current_student),
    session: Session = Depends(get_session),
):
    enrollment = session.get(Enrollment, enrollment_id)  # expect: SEC018
    if enrollment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "enrollment not found")
    if enrollment.status != "confirmed" or not enrollment.deposit_intent_id:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "only confirmed enrollments with a deposit can be refunded")

    course = enrollment.course
    if course.starts_on - date.today() < timedelta(days=settings.refund_cutoff_days):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"refunds close {settings.refund_cutoff_days} days before the course starts",
        )

    refundable = max(course.deposit_pence - ADMIN_FEE_PENCE, 0)
    refund = _refund_deposit(enrollment.deposit_intent_id, refundable, enrollment.id)
    if refund is None:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "could not reach the payment provider, try again later")

    enrollment.status = "refunded"
    course.seats_taken = course.seats_taken - 1  # expect: DB004
    session.add(Refund(enrollment_id=enrollment.id, stripe_refund_id=refund.id, amount_pence=refund.amount))
    session.commit()
    logger.info("refunded enrollment %s (%s) requested by student %s", enrollment.id, refund.id, student.id)
    return {"enrollment_id": enrollment.id, "status": enrollment.status, "refund_id": refund.id}
