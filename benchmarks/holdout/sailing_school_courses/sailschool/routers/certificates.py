"""Course completion certificates: rendered to PDF, kept in S3, served by signed URL."""
from __future__ import annotations

import io
import logging

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, HTTPException, status
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from sailschool.auth import current_student
from sailschool.config import settings
from sailschool.database import SessionLocal
from sailschool.models import Certificate, Course, Enrollment, Instructor, Student

logger = logging.getLogger(__name__)
router = APIRouter(tags=["certificates"])

_s3 = boto3.client(
    "s3",
    region_name=settings.s3_region,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


class NotCompleted(Exception):
    pass


def _render_pdf(student_name: str, course: Course, instructor_name: str) -> bytes:
    buf = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"{course.code} certificate")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 150, "Certificate of Completion")
    pdf.setFont("Helvetica", 18)
    pdf.drawCentredString(width / 2, height - 220, student_name)
    pdf.drawCentredString(width / 2, height - 260, f"has completed {course.title} ({course.code})")
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, height - 300, f"{course.starts_on:%d %B %Y} to {course.ends_on:%d %B %Y}")
    pdf.drawString(80, 90, f"Instructor: {instructor_name}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _certificate_url(enrollment_id: int, student_id: int) -> str | None:
    with SessionLocal() as session:
        row = session.execute(
            select(Enrollment, Course, Student, Instructor)
            .join(Course, Course.id == Enrollment.course_id)
            .join(Student, Student.id == Enrollment.student_id)
            .join(Instructor, Instructor.id == Course.instructor_id)
            .where(Enrollment.id == enrollment_id, Enrollment.student_id == student_id)
        ).first()
        if row is None:
            return None
        enrollment, course, student, instructor = row
        if enrollment.status != "completed":
            raise NotCompleted(enrollment.status)

        cert = session.scalar(select(Certificate).where(Certificate.enrollment_id == enrollment.id))
        if cert is None:
            key = f"certificates/{course.code}/{enrollment.id}.pdf"
            body = _render_pdf(student.full_name, course, instructor.full_name)
            _s3.put_object(Bucket=settings.s3_bucket, Key=key, Body=body, ContentType="application/pdf")
            cert = Certificate(enrollment_id=enrollment.id, s3_key=key)
            session.add(cert)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                cert = session.scalar(select(Certificate).where(Certificate.enrollment_id == enrollment.id))
            logger.info("issued certificate for enrollment %s", enrollment.id)

        return _s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.s3_bucket, "Key": cert.s3_key},
            ExpiresIn=settings.certificate_url_ttl_seconds,
        )


@router.get("/me/enrollments/{enrollment_id}/certificate")
async def certificate_link(enrollment_id: int, student: Student = Depends(current_student)):
    try:
        url = await run_in_threadpool(_certificate_url, enrollment_id, student.id)  # ok: CON001
    except NotCompleted as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"course not completed (status: {exc})")
    if url is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "enrollment not found")
    return {"url": url, "expires_in": settings.certificate_url_ttl_seconds}
