"""One-to-one lessons booked directly with an instructor and paid in full."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from sailschool.auth import current_student
from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Instructor, PrivateLesson, Student

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/private-lessons", tags=["private lessons"])

PRICE_PENCE = {60: 6500, 120: 12000, 180: 17000}


class LessonRequest(BaseModel):
    instructor_id: int
    starts_at: datetime
    duration_minutes: int = Field(60)
    payment_method_id: str = Field(min_length=3, max_length=64)

    @field_validator("duration_minutes")
    @classmethod
    def known_duration(cls, value: int) -> int:
        if value not in PRICE_PENCE:
            raise ValueError(f"duration must be one of {sorted(PRICE_PENCE)}")
        return value

    @field_validator("starts_at")
    @classmethod
    def on_the_hour_in_future(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("starts_at must include a timezone")
        if value.minute or value.second:
            raise ValueError("lessons start on the hour")
        if value < datetime.now(timezone.utc) + timedelta(hours=24):
            raise ValueError("book at least 24 hours ahead")
        return value


@router.post("", status_code=status.HTTP_201_CREATED)
def book_private_lesson(
    body: LessonRequest,
    student: Student = Depends(current_student),
    session: Session = Depends(get_session),
):
    instructor = session.get(Instructor, body.instructor_id)
    if instructor is None or not instructor.active:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "instructor not found")

    clash = session.scalar(  # expect: DB005
        select(PrivateLesson.id).where(
            PrivateLesson.instructor_id == instructor.id,
            PrivateLesson.starts_at == body.starts_at,
            PrivateLesson.status != "cancelled",
        )
    )
    if clash is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "that slot is already booked")

    amount = PRICE_PENCE[body.duration_minutes]
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=amount,
            currency=settings.currency,
            customer=student.stripe_customer_id,
            payment_method=body.payment_method_id,
            confirm=True,
            off_session=False,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            description=f"Private lesson with {instructor.full_name}",
            metadata={"student_id": str(student.id), "instructor_id": str(instructor.id)},
        )
    except stripe.error.CardError as exc:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, exc.user_message or "card declined")

    lesson = PrivateLesson(
        instructor_id=instructor.id,
        student_id=student.id,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        status="booked",
        payment_intent_id=intent.id,
    )
    session.add(lesson)
    session.commit()
    logger.info("private lesson %s booked with instructor %s", lesson.id, instructor.id)
    return {"lesson_id": lesson.id, "starts_at": lesson.starts_at, "amount_pence": amount}


@router.get("/mine")
def my_lessons(student: Student = Depends(current_student), session: Session = Depends(get_session)):
    lessons = session.scalars(
        select(PrivateLesson)
        .where(PrivateLesson.student_id == student.id)
        .order_by(PrivateLesson.starts_at.desc())
        .limit(50)
    ).all()
    return [
        {"lesson_id": l.id, "starts_at": l.starts_at, "duration_minutes": l.duration_minutes, "status": l.status}
        for l in lessons
    ]
