"""Renders credit-note PDFs and archives them in S3 for seven years."""
import logging
import os
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
from botocore.config import Config

log = logging.getLogger(__name__)

WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF_BIN", "wkhtmltopdf")
ARCHIVE_BUCKET = os.environ.get("ARCHIVE_BUCKET", "acme-billing-archive")
PAPER_SIZES = {"A4", "Letter", "Legal"}

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 4}))


def render_credit_note_pdf(note_number: str, html: str, paper_size: str = "A4") -> bytes:
    if paper_size not in PAPER_SIZES:
        raise ValueError(f"unsupported paper size {paper_size!r}")
    with tempfile.TemporaryDirectory(prefix="credit-note-") as workdir:
        html_path = Path(workdir) / "note.html"
        pdf_path = Path(workdir) / "note.pdf"
        html_path.write_text(html, encoding="utf-8")
        subprocess.run(  # ok: SEC002
            [WKHTMLTOPDF, "--quiet", "--page-size", paper_size, str(html_path), str(pdf_path)],
            check=True,
            timeout=120,
        )
        return pdf_path.read_bytes()


def archive_credit_note(tenant_id: str, note_number: str, pdf_bytes: bytes) -> str:
    key = f"{tenant_id}/credit-notes/{note_number}.pdf"
    s3.put_object(
        Bucket=ARCHIVE_BUCKET,
        Key=key,
        Body=pdf_bytes,
        ContentType="application/pdf",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_retain_until(),
    )
    log.info("archived credit note %s for tenant %s", note_number, tenant_id)
    return key


def _retain_until() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=365 * 7)
