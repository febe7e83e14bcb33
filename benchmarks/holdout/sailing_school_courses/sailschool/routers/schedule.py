"""Weekly schedule for staff and the go/no-go board shown at the slipway."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from starlette.concurrency import run_in_threadpool

from sailschool.auth import require_staff
from sailschool.clients import tides, weather
from sailschool.database import SessionLocal, get_session
from sailschool.models import Course

router = APIRouter(prefix="/schedule", tags=["schedule"])


class ScheduleRow(BaseModel):
    course_id: int
    code: str
    title: str
    starts_on: date
    ends_on: date
    launch_site: str
    instructor: str
    boat: str | None
    seats_taken: int
    capacity: int
    weather_hold: bool


class GoNoGo(BaseModel):
    course_id: int
    site: str
    go: bool | None
    wind_knots: float | None
    gust_knots: float | None
    observed_at: str | None
    window_opens: datetime | None
    window_closes: datetime | None


@router.get("/week", response_model=list[ScheduleRow])
def week_schedule(
    week_of: date | None = None,
    _staff: dict = Depends(require_staff),
    session: Session = Depends(get_session),
):
    week_of = week_of or date.today()
    start = week_of - timedelta(days=week_of.weekday())
    end = start + timedelta(days=6)
    stmt = (
        select(Course)
        .options(joinedload(Course.instructor), joinedload(Course.boat))
        .where(Course.starts_on <= end, Course.ends_on >= start)
        .order_by(Course.starts_on, Course.launch_site)
    )
    rows = []
    for course in session.scalars(stmt).unique():  # ok: DB001
        rows.append(
            ScheduleRow(
                course_id=course.id,
                code=course.code,
                title=course.title,
                starts_on=course.starts_on,
                ends_on=course.ends_on,
                launch_site=course.launch_site,
                instructor=course.instructor.full_name,
                boat=course.boat.name if course.boat else None,
                seats_taken=course.seats_taken,
                capacity=course.capacity,
                weather_hold=course.weather_hold,
            )
        )
    return rows


def _load_course(course_id: int) -> tuple[str, str, date] | None:
    with SessionLocal() as session:
        course = session.get(Course, course_id)
        if course is None:
            return None
        return course.launch_site, course.boat_class, course.starts_on


@router.get("/courses/{course_id}/go-no-go", response_model=GoNoGo)
async def go_no_go(course_id: int, request: Request):
    found = await run_in_threadpool(_load_course, course_id)  # ok: CON001
    if found is None:
        raise HTTPException(status_code=404, detail="course not found")
    site, boat_class, starts_on = found

    reading = request.app.state.conditions.get(site)
    window = await tides.sailing_window(site, max(starts_on, date.today()))
    return GoNoGo(
        course_id=course_id,
        site=site,
        go=weather.is_go(reading, boat_class) if reading else None,
        wind_knots=reading.wind_knots if reading else None,
        gust_knots=reading.gust_knots if reading else None,
        observed_at=reading.observed_at if reading else None,
        window_opens=window[0] if window else None,
        window_closes=window[1] if window else None,
    )
