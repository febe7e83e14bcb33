import io
import logging
from xml.sax.saxutils import escape

import boto3
from botocore.config import Config
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),  # ok: REL001
)


def _flag(value, low, high):
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    if low is not None and v < float(low):
        return "L"
    if high is not None and v > float(high):
        return "H"
    return ""


def _build_pdf(result):
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=f"Lab result {result.external_id}")
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Paws &amp; Claws Veterinary Laboratory Report", styles["Title"]),
        Paragraph(f"Patient: {escape(result.pet.name)} ({escape(result.pet.species)})", styles["Normal"]),
        Paragraph(f"Panel: {escape(result.panel)} &nbsp; Collected: {result.collected_at:%d %b %Y %H:%M}", styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    rows = [["Analyte", "Value", "Unit", "Reference", ""]]
    for item in result.values or []:
        low, high = item.get("ref_low"), item.get("ref_high")
        rows.append([
            escape(str(item.get("name", ""))),
            escape(str(item.get("value", ""))),
            escape(str(item.get("unit", ""))),
            f"{low if low is not None else ''} - {high if high is not None else ''}",
            _flag(item.get("value"), low, high),
        ])
    table = Table(rows, colWidths=[60 * mm, 30 * mm, 25 * mm, 40 * mm, 10 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0ee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
    ]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def render_lab_report(result):
    key = f"lab-results/{result.pet_id}/{result.external_id}.pdf"
    body = _build_pdf(result)
    _s3.put_object(  # ok: SCL002
        Bucket=settings.AWS_STORAGE_BUCKET,
        Key=key,
        Body=body,
        ContentType="application/pdf",
        ServerSideEncryption="aws:kms",
    )
    logger.info("lab report %s uploaded (%d bytes)", key, len(body))
    return key
