"""Waiver uploads streamed to S3 (v2 endpoints)."""
import logging
import subprocess
import tempfile
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from .. import db
from ..models import Booking, Waiver

bp = Blueprint("waivers_v2", __name__, url_prefix="/v2")
logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)
PDF_MAGIC = b"%PDF-"
CHUNK = 64 * 1024


def _pdf_is_well_formed(path):
    # qpdf exits 0 for a clean file and 3 for one with warnings only.
    result = subprocess.run(["qpdf", "--check", path], capture_output=True, timeout=30)  # ok: SEC002
    return result.returncode in (0, 3)


def _own(model, **filters):
    row = db.session.execute(
        db.select(model).filter_by(customer_id=current_user.id, **filters)
    ).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


@bp.post("/bookings/<int:booking_id>/waivers")
@login_required
def upload_waiver(booking_id):
    max_bytes = current_app.config["WAIVER_MAX_BYTES"]
    if request.content_length is None or request.content_length > max_bytes:
        return jsonify(error="waiver must be a PDF under 10 MB"), 413
    booking = _own(Booking, id=booking_id)
    upload = request.files.get("waiver")
    if upload is None:
        return jsonify(error="attach the signed waiver as 'waiver'"), 400
    original = secure_filename(upload.filename or "") or "waiver.pdf"
    key = f"waivers/{booking.id}/{uuid.uuid4().hex}.pdf"

    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:  # ok: SCL002
        head = upload.stream.read(len(PDF_MAGIC))
        if head != PDF_MAGIC:
            return jsonify(error="only PDF files are accepted"), 415
        tmp.write(head)
        size = len(head)
        while chunk := upload.stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                return jsonify(error="waiver must be a PDF under 10 MB"), 413
            tmp.write(chunk)
        tmp.flush()
        if not _pdf_is_well_formed(tmp.name):
            return jsonify(error="the PDF could not be read"), 422
        tmp.seek(0)
        _s3.upload_fileobj(
            tmp,
            current_app.config["WAIVER_BUCKET"],
            key,
            ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
        )

    waiver = Waiver(booking_id=booking.id, customer_id=current_user.id, object_key=key,
                    original_name=original, size_bytes=size)
    db.session.add(waiver)
    db.session.commit()
    logger.info("waiver %s uploaded for booking %s (%s bytes)", waiver.id, booking.id, size)
    return jsonify(id=waiver.id, name=original), 201


@bp.get("/waivers/<int:waiver_id>")
@login_required
def waiver_link(waiver_id):
    waiver = _own(Waiver, id=waiver_id)
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["WAIVER_BUCKET"], "Key": waiver.object_key},
        ExpiresIn=300,
    )
    return jsonify(url=url, expires_in=300)
