"""Render payslip PDFs and store them in S3."""
import io
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from . import db

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=BotoConfig(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 4, "mode": "standard"},
    ),
)
_render_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="payslip-render")  # ok: CON003


def _render(slip: dict) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(f"Payslip {slip['period_end']:%B %Y}")
    pdf.drawString(72, 780, f"{slip['company_name']} - payslip")
    pdf.drawString(72, 760, f"{slip['first_name']} {slip['last_name']} ({slip['employee_number']})")
    pdf.drawString(72, 740, f"Period: {slip['period_start']:%d %b %Y} - {slip['period_end']:%d %b %Y}")
    pdf.drawString(72, 700, f"Gross pay: {slip['gross_cents'] / 100:,.2f} {slip['currency']}")
    pdf.drawString(72, 680, f"Tax withheld: {slip['tax_cents'] / 100:,.2f}")
    pdf.drawString(72, 660, f"Net pay: {slip['net_cents'] / 100:,.2f}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _object_key(config, slip: dict) -> str:
    return f"{config.s3_prefix}{slip['company_id']}/{slip['run_id']}/{slip['id']}.pdf"


def store_payslip(config, slip: dict) -> str:
    key = _object_key(config, slip)
    body = _render(slip)
    _s3.upload_fileobj(  # ok: SCL002
        io.BytesIO(body),
        config.s3_bucket,
        key,
        ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "aws:kms"},
    )
    with db.cursor() as cur:
        cur.execute(
            "UPDATE payslips SET s3_key = %s, rendered_at = now() WHERE id = %s",
            (key, slip["id"]),
        )
    return key


def render_run(config, run_id: str) -> tuple[int, int]:
    """Render every payslip of a run that has not been rendered yet."""
    sql = (
        "SELECT p.*, e.first_name, e.last_name, e.employee_number, c.name AS company_name "
        "FROM payslips p JOIN employees e ON e.id = p.employee_id "
        "JOIN companies c ON c.id = e.company_id "
        "WHERE p.run_id = %s AND p.s3_key IS NULL ORDER BY p.id"
    )
    done = failed = 0
    futures = {
        _render_pool.submit(store_payslip, config, slip): slip["id"]
        for slip in db.stream(sql, (run_id,))
    }
    for future in as_completed(futures):
        try:
            future.result()
            done += 1
        except (BotoCoreError, ClientError):
            failed += 1
            logger.exception("payslip %s could not be stored", futures[future])
    logger.info("run %s: %d payslips rendered, %d failed", run_id, done, failed)
    return done, failed


def presigned_url(config, key: str, expires: int = 300) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": config.s3_bucket, "Key": key},
        ExpiresIn=expires,
    )
