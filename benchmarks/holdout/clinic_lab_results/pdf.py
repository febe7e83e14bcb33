"""In-memory PDF rendering of a result and storage in S3."""

import functools
import hashlib
import io
import logging

import boto3
from botocore.config import Config
from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import LabResult, ResultReport

log = logging.getLogger(__name__)

_S3_CONFIG = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})


@functools.lru_cache(maxsize=1)
def _s3():
    return boto3.client("s3", region_name=settings.AWS_REGION, config=_S3_CONFIG)


def render_result_pdf(result: LabResult) -> bytes:
    patient = result.order.patient
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    page.setTitle(f"Result {result.accession_number}")
    width, height = A4
    y = height - 25 * mm
    page.setFont("Helvetica-Bold", 14)
    page.drawString(20 * mm, y, "Laboratory result")
    page.setFont("Helvetica", 10)
    lines = [
        f"Patient: {patient.full_name} (MRN {patient.mrn})",
        f"Date of birth: {patient.date_of_birth:%d %b %Y}",
        f"Order: {result.order.order_number}   Accession: {result.accession_number}",
        f"Test: {result.test_name} ({result.test_code})",
        f"Value: {result.value} {result.units}   Reference: {result.reference_range or '-'}",
        f"Flag: {result.get_flag_display()}   Status: {result.status}",
        f"Resulted: {result.resulted_at:%d %b %Y %H:%M}",
    ]
    for line in lines:
        y -= 8 * mm
        page.drawString(20 * mm, y, line)
    page.showPage()
    page.save()
    return buf.getvalue()


def store_report(result: LabResult, pdf_bytes: bytes) -> ResultReport:
    digest = hashlib.sha256(pdf_bytes).hexdigest()  # ok: SEC009
    key = f"reports/{result.order.patient_id}/{result.accession_number}.pdf"
    _s3().put_object(  # ok: SCL002
        Bucket=settings.REPORTS_BUCKET,
        Key=key,
        Body=pdf_bytes,
        ContentType="application/pdf",
        ServerSideEncryption="aws:kms",
        Metadata={"sha256": digest},
    )
    report, _ = ResultReport.objects.update_or_create(
        result=result, defaults={"storage_key": key, "sha256": digest}
    )
    log.info("stored report for result %s (%d bytes)", result.pk, len(pdf_bytes))
    return report


def download_url(report: ResultReport, expires_in: int = 300) -> str:
    return _s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.REPORTS_BUCKET,
            "Key": report.storage_key,
            "ResponseContentDisposition": f'attachment; filename="{report.result.accession_number}.pdf"',
        },
        ExpiresIn=expires_in,
    )


def render_and_store(result_id: int) -> ResultReport:
    result = LabResult.objects.select_related("order", "order__patient").get(pk=result_id)
    return store_report(result, render_result_pdf(result))
