import io
import logging
import secrets

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from .models import Attempt, Certificate, Enrolment, Quiz
from .storage import stream_to_s3

logger = logging.getLogger(__name__)


def _render_pdf(cert, course):
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=landscape(A4))
    width, height = landscape(A4)
    pdf.setFont("Helvetica-Bold", 32)
    pdf.drawCentredString(width / 2, height - 150, "Certificate of Completion")
    pdf.setFont("Helvetica", 20)
    pdf.drawCentredString(width / 2, height - 220, cert.student_name)
    pdf.drawCentredString(width / 2, height - 260, f"{course.title} ({course.level})")
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, 60, f"Verify at https://lingua.app/certificates/{cert.code}")
    pdf.showPage()
    pdf.save()
    buf.seek(0)
    return buf


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def issue_certificate_if_complete(self, user_id, course_id):
    enrolment = Enrolment.objects.select_related("user", "course").filter(
        user_id=user_id, course_id=course_id, status=Enrolment.ACTIVE
    ).first()
    if enrolment is None:
        return None
    quiz_ids = set(Quiz.objects.filter(lesson__course_id=course_id).values_list("id", flat=True))
    passed = set(
        Attempt.objects.filter(user_id=user_id, quiz_id__in=quiz_ids, passed=True).values_list("quiz_id", flat=True)
    )
    if not quiz_ids or passed != quiz_ids:
        return None

    name = enrolment.user.get_full_name() or enrolment.user.username
    with transaction.atomic():
        cert, created = Certificate.objects.get_or_create(  # ok: DB005
            enrolment=enrolment,
            defaults={"code": secrets.token_urlsafe(12), "student_name": name},  # ok: SEC010
        )
        if created:
            transaction.on_commit(lambda: render_and_send_certificate.delay(cert.pk))  # ok: REL004
    return cert.code


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def render_and_send_certificate(self, certificate_id):
    cert = Certificate.objects.select_related("enrolment__course", "enrolment__user").get(pk=certificate_id)
    course = cert.enrolment.course
    if not cert.pdf_key:
        key = f"certificates/{cert.code}.pdf"
        stream_to_s3(_render_pdf(cert, course), key, "application/pdf", bucket=settings.CERTIFICATE_BUCKET)
        Certificate.objects.filter(pk=cert.pk, pdf_key="").update(pdf_key=key)
        cert.pdf_key = key

    message = EmailMessage(
        subject=f"Your certificate for {course.title}",
        body=f"Congratulations! Your certificate is available at https://lingua.app/certificates/{cert.code}",
        to=[cert.enrolment.user.email],
    )
    message.send(fail_silently=False)
    logger.info("certificate %s sent to user=%s", cert.code, cert.enrolment.user_id)


def verify_certificate(request, code):
    cert = get_object_or_404(Certificate.objects.select_related("enrolment__course"), code=code)
    headline = format_html("<strong>{}</strong> completed <em>{}</em>", cert.student_name, cert.enrolment.course.title)  # ok: SEC016
    return render(request, "courses/certificate_verify.html", {"cert": cert, "headline": headline})
