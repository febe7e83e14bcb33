"""Withdrawals: a student cancels their own enrollment and gets the deposit back.

The enrollment row is locked and moved to "refunding" before Stripe is called,
so a double-submitted withdrawal sees the new status and stops. The refund is
keyed by enrollment id, and the seat is given back with a single UPDATE.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sailschool.auth import current_student
from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Course, Enrollment, Refund, Student

logger = logging.getLogger(__name__)
router = APIRouter(tags=["enrollments"])

ADMIN_FEE_PENCE = 1500


@router.post("/me/enrollments/{enrollment_id}/withdraw")
def withdraw(enrollment_id: int, student: Student = Depends(current_student), session: Session = Depends(get_session)):
    enrollment = session.scalar(  # ok: SEC018
        select(Enrollment)
        .where(Enrollment.id == enrollment_id, Enrollment.student_id == student.id)
        .with_for_update()
    )
    if enrollment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "enrollment not found")
    if enrollment.status != "confirmed" or not enrollment.deposit_intent_id:  # ok: DB005
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, f"enrollment is {enrollment.status}")

    course = session.get(Course, enrollment.course_id)
    if course.starts_on - date.today() < timedelta(days=settings.refund_cutoff_days):
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "too close to the start date for a refund")

    enrollment.status = "refunding"
    session.commit()

    amount = max(course.deposit_pence - ADMIN_FEE_PENCE, 0)
    try:
        refund = stripe.Refund.create(
            payment_intent=enrollment.deposit_intent_id,
            amount=amount,
            reason="requested_by_customer",
            metadata={"enrollment_id": str(enrollment.id)},
            idempotency_key=f"withdraw-{enrollment.id}",  # ok: REL003
        )
    except stripe.error.StripeError:
        logger.exception("refund failed for enrollment %s; reverting to confirmed", enrollment.id)
        enrollment.status = "confirmed"
        session.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "refund could not be issued, please try again")

    session.execute(
        update(Course).where(Course.id == course.id).values(seats_taken=Course.seats_taken - 1)  # ok: DB004
    )
    enrollment.status = "refunded"
    session.add(Refund(enrollment_id=enrollment.id, stripe_refund_id=refund.id, amount_pence=amount))
    session.commit()
    logger.info("enrollment %s withdrawn by student %s, refund %s", enrollment.id, student.id, refund.id)
    return {"enrollment_id": enrollment.id, "status": "refunded", "refund_id": refund.id, "amount_pence": amount}
