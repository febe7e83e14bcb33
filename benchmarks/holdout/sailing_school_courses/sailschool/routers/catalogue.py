"""Public course catalogue: listing, search and course detail."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from sailschool.database import get_session
from sailschool.models import Course

router = APIRouter(prefix="/courses", tags=["catalogue"])


class CourseCard(BaseModel):
    id: int
    code: str
    title: str
    level: str
    starts_on: date
    ends_on: date
    launch_site: str
    price_pence: int
    deposit_pence: int
    seats_left: int
    instructor_name: str
    boat_name: str | None


class CourseDetail(CourseCard):
    summary: str
    boat_class: str


def _card(course: Course) -> CourseCard:
    return CourseCard(
        id=course.id,
        code=course.code,
        title=course.title,
        level=course.level,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        launch_site=course.launch_site,
        price_pence=course.price_pence,
        deposit_pence=course.deposit_pence,
        seats_left=max(course.capacity - course.seats_taken, 0),
        instructor_name=course.instructor.full_name,
        boat_name=course.boat.name if course.boat else None,
    )


@router.get("", response_model=list[CourseCard])
async def list_courses(
    level: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
    session: Session = Depends(get_session),
):
    stmt = select(Course).where(Course.published.is_(True), Course.starts_on >= date.today())
    if level:
        stmt = stmt.where(Course.level == level)
    stmt = stmt.order_by(Course.starts_on, Course.id).limit(limit).offset(offset)
    courses = session.scalars(stmt).all()  # expect: CON001
    return [_card(course) for course in courses]  # expect: DB001


@router.get("/search", response_model=list[CourseCard])
def search_courses(q: str = Query(min_length=2, max_length=60), session: Session = Depends(get_session)):
    stmt = (
        select(Course)
        .options(joinedload(Course.instructor), joinedload(Course.boat))
        .where(Course.published.is_(True), Course.starts_on >= date.today())
        .where(or_(Course.title.ilike(f"%{q}%"), Course.summary.ilike(f"%{q}%")))  # ok: DB006
        .order_by(Course.starts_on)
        .limit(25)
    )
    return [_card(course) for course in session.scalars(stmt).unique()]  # ok: DB001


@router.get("/{course_id}", response_model=CourseDetail)
def get_course(course_id: int, session: Session = Depends(get_session)):
    course = session.get(Course, course_id, options=[joinedload(Course.instructor), joinedload(Course.boat)])
    if course is None or not course.published:
        raise HTTPException(status_code=404, detail="course not found")
    card = _card(course)
    return CourseDetail(**card.model_dump(), summary=course.summary, boat_class=course.boat_class)
