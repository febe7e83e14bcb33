"""Celery task that renders a payslip to HTML and PDF and uploads it to the document store."""

import hashlib
import logging
import os
import subprocess

import boto3
from celery import shared_task
from jinja2 import Environment, FileSystemLoader

from .db import SessionLocal
from .models import Payslip

logger = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates")
WORK_DIR = "/var/tmp/payslips"
DOCUMENT_BUCKET = "payroll-documents"

env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016
s3 = boto3.client("s3")


def _document_key(payslip: Payslip) -> str:
    digest = hashlib.md5(f"{payslip.employee_id}:{payslip.period}".encode()).hexdigest()  # ok: SEC009
    return f"payslips/{payslip.period}/{digest}.pdf"


def _write_html(path: str, html: str) -> None:
    out = open(path, "w", encoding="utf-8")  # expect: RES001
    out.write(html)
    out.close()


@shared_task(autoretry_for=(subprocess.CalledProcessError,), max_retries=2)
def render_payslip(payslip_id: int) -> str:
    with SessionLocal() as db:
        payslip = db.get(Payslip, payslip_id)
        html = env.get_template("payslip.html").render(
            payslip=payslip,
            employee=payslip.employee,
            notes=payslip.manager_notes,
        )
        base = os.path.join(WORK_DIR, f"{payslip.employee.last_name}_{payslip.period}")
        _write_html(base + ".html", html)
        print(f"rendering {base}.pdf")  # expect: OBS001
        command = f"wkhtmltopdf --quiet --page-size A4 {base}.html {base}.pdf"
        subprocess.run(command, shell=True, check=True, timeout=120)  # expect: SEC002
        key = _document_key(payslip)
        s3.upload_file(base + ".pdf", DOCUMENT_BUCKET, key, ExtraArgs={"ServerSideEncryption": "aws:kms"})
        payslip.document_key = key
        db.commit()
    logger.info("payslip %s rendered to s3://%s/%s", payslip_id, DOCUMENT_BUCKET, key)
    return key
