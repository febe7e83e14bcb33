"""Course enrollment with capped places and a card deposit.

The place is reserved under a row lock first and committed; only then is the
deposit taken, keyed by the enrollment id so a retried request cannot charge
twice. If the deposit fails the place is released again.
"""
from __future__ import annotations

import logging

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sailschool.auth import current_student
from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Course, Enrollment, Student

logger = logging.getLogger(__name__)
router = APIRouter(tags=["enrollments"])

ACTIVE_STATUSES = ("pending", "confirmed")


@router.post("/courses/{course_id}/enrollments", status_code=status.HTTP_201_CREATED)
def enroll(course_id: int, student: Student = Depends(current_student), session: Session = Depends(get_session)):
    course = session.scalar(
        select(Course).where(Course.id == course_id, Course.published.is_(True)).with_for_update()
    )
    if course is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "course not found")

    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.student_id == student.id)
    )
    if enrollment is not None and enrollment.status in ACTIVE_STATUSES:
        session.rollback()
        return {"enrollment_id": enrollment.id, "status": enrollment.status}

    if course.seats_taken >= course.capacity:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "course is full")

    course.seats_taken += 1  # ok: DB004
    if enrollment is None:
        enrollment = Enrollment(course_id=course.id, student_id=student.id, status="pending")
        session.add(enrollment)
    else:
        enrollment.status = "pending"
    session.commit()

    try:
        intent = stripe.PaymentIntent.create(
            amount=course.deposit_pence,
            currency=settings.currency,
            customer=student.stripe_customer_id,
            automatic_payment_methods={"enabled": True},
            metadata={"enrollment_id": str(enrollment.id), "course_code": course.code},
            idempotency_key=f"deposit-{enrollment.id}",  # ok: REL003
        )
    except stripe.error.StripeError:
        logger.exception("deposit intent failed for enrollment %s", enrollment.id)
        session.execute(
            update(Course).where(Course.id == course.id).values(seats_taken=Course.seats_taken - 1)
        )
        enrollment.status = "cancelled"
        session.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "payment provider unavailable; no deposit was taken")

    enrollment.deposit_intent_id = intent.id
    session.commit()
    logger.info("enrollment %s reserved on course %s for student %s", enrollment.id, course.code, student.id)
    return {"enrollment_id": enrollment.id, "status": enrollment.status, "client_secret": intent.client_secret}


@router.get("/me/enrollments")
def my_enrollments(student: Student = Depends(current_student), session: Session = Depends(get_session)):
    rows = session.execute(
        select(Enrollment.id, Enrollment.status, Course.code, Course.title, Course.starts_on)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.student_id == student.id)
        .order_by(Course.starts_on.desc())
        .limit(100)
    ).all()
    return [
        {"enrollment_id": r.id, "status": r.status, "code": r.code, "title": r.title, "starts_on": r.starts_on}
        for r in rows
    ]
