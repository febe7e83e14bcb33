"""Admin: weekly instructor roster with student contact details, and student lookup."""
from __future__ import annotations

import csv
import logging
import os
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from sailschool.auth import require_staff
from sailschool.database import get_session
from sailschool.models import Course, Enrollment, Student

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])

ROSTER_DIR = os.environ.get("SAILSCHOOL_ROSTER_DIR", "/var/lib/sailschool/rosters")
HEADER = ["course", "title", "starts_on", "launch_site", "instructor", "student", "email", "phone"]


def _contact_for(session: Session, student_id: int) -> tuple[str, str, str]:
    student = session.get(Student, student_id)
    if student is None:
        return "(deleted)", "", ""
    return student.full_name, student.email, student.phone or ""


@router.post("/rosters", status_code=status.HTTP_201_CREATED)
def build_roster(
    week_of: date,
    staff: dict = Depends(require_staff),
    session: Session = Depends(get_session),
):
    start = week_of - timedelta(days=week_of.weekday())
    end = start + timedelta(days=6)
    courses = session.scalars(
        select(Course)
        .options(joinedload(Course.instructor))
        .where(Course.starts_on.between(start, end))
        .order_by(Course.starts_on, Course.code)
    ).unique().all()
    by_id = {course.id: course for course in courses}

    enrollments = session.scalars(
        select(Enrollment)
        .where(Enrollment.course_id.in_(list(by_id)), Enrollment.status == "confirmed")
        .order_by(Enrollment.course_id, Enrollment.id)
    ).all()

    filename = f"roster-{start.isoformat()}.csv"
    os.makedirs(ROSTER_DIR, exist_ok=True)
    rows = 0
    with open(os.path.join(ROSTER_DIR, filename), "w", newline="") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for enrollment in enrollments:  # expect: DB001
            course = by_id[enrollment.course_id]
            name, email, phone = _contact_for(session, enrollment.student_id)
            writer.writerow([course.code, course.title, course.starts_on.isoformat(), course.launch_site,
                             course.instructor.full_name, name, email, phone])
            rows += 1

    logger.info("roster %s built by %s with %d rows", filename, staff.get("sub"), rows)
    return {"file": filename, "rows": rows, "download": f"/admin/rosters/download?name={filename}"}


@router.get("/rosters/download")
def download_roster(name: str = Query(..., max_length=80), _staff: dict = Depends(require_staff)):
    path = os.path.join(ROSTER_DIR, name)  # expect: SEC015
    if not os.path.isfile(path):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "roster not found")
    return FileResponse(path, media_type="text/csv", filename=os.path.basename(path))


@router.get("/students/lookup")
def lookup_student(
    email: str = Query(..., min_length=3, max_length=254),
    _staff: dict = Depends(require_staff),
    session: Session = Depends(get_session),
):
    student = session.scalar(select(Student).where(func.lower(Student.email) == email.strip().lower()))  # expect: DB006
    if student is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no student with that email")
    recent = session.execute(
        select(Course.code, Course.starts_on, Enrollment.status)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.student_id == student.id)
        .order_by(Course.starts_on.desc())
        .limit(20)
    ).all()
    return {
        "id": student.id,
        "name": student.full_name,
        "email": student.email,
        "phone": student.phone,
        "enrollments": [{"course": r.code, "starts_on": r.starts_on, "status": r.status} for r in recent],
    }
