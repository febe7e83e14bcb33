"""Crew uploads of sweep certificate PDFs, pushed to S3 by a worker."""
import logging
import os

import boto3
from botocore.config import Config as BotoConfig
from celery import shared_task
from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from .. import db
from ..clients.insurer import file_visit_report
from ..models import Appointment, Certificate

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


@bp.post("/<int:appointment_id>")
@login_required
def upload(appointment_id):
    if current_user.role != "crew":
        abort(403)
    appt = db.get_or_404(Appointment, appointment_id)
    if appt.crew_id != current_user.crew_id:
        abort(404)

    pdf = request.files.get("certificate")
    if pdf is None or not pdf.filename.lower().endswith(".pdf"):
        return jsonify(error="pdf_required"), 400

    spool_dir = current_app.config["CERT_SPOOL_DIR"]
    os.makedirs(spool_dir, exist_ok=True)
    local_path = os.path.join(spool_dir, f"{appt.id}-{secure_filename(pdf.filename)}")
    pdf.save(local_path)  # expect: SCL002

    cert = Certificate(appointment_id=appt.id, spool_path=local_path, uploaded_by=current_user.id)
    db.session.add(cert)
    db.session.commit()

    push_certificate_to_s3.delay(cert.id)
    logger.info("certificate %s spooled for appointment %s", cert.id, appt.id)
    return jsonify(id=cert.id, status="queued"), 202


@bp.get("/spool")
@login_required
def download_spooled():
    """Let the office open a certificate that has not reached S3 yet."""
    if current_user.role not in ("office", "admin"):
        abort(403)
    name = request.args.get("name", "")
    if not name:
        abort(400)
    spool_dir = current_app.config["CERT_SPOOL_DIR"]
    return send_file(os.path.join(spool_dir, name), mimetype="application/pdf")  # expect: SEC015


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def push_certificate_to_s3(self, certificate_id):
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or cert.s3_key:
        return
    appt = db.session.get(Appointment, cert.appointment_id)
    key = f"certificates/{appt.property_id}/{appt.id}.pdf"
    try:
        with open(cert.spool_path, "rb") as fh:
            _s3.upload_fileobj(
                fh,
                current_app.config["CERT_BUCKET"],
                key,
                ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
            )
    except OSError as exc:
        logger.warning("certificate %s not uploaded yet, retrying", cert.id, exc_info=True)
        raise self.retry(exc=exc)

    cert.s3_key = key
    db.session.commit()
    os.remove(cert.spool_path)
    file_visit_report.delay(cert.id)
    logger.info("certificate %s stored at s3://%s/%s", cert.id, current_app.config["CERT_BUCKET"], key)
