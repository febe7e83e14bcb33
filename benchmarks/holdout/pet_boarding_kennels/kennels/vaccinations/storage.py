"""Vaccination certificates stored in S3, served through short-lived links."""
import logging
import uuid
from datetime import date

import boto3
from botocore.config import Config
from flask import Blueprint, abort, current_app, jsonify, redirect, request
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from kennels import db
from kennels.models import Pet, VaccinationRecord

log = logging.getLogger(__name__)
bp = Blueprint("records", __name__, url_prefix="/records")

MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG": ("image/png", ".png"),
}

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


def _sniff(stream) -> tuple[str, str] | None:
    head = stream.read(8)
    stream.seek(0)
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


@bp.post("/pets/<int:pet_id>")
@login_required
def upload_record(pet_id: int):
    pet = Pet.query.filter_by(id=pet_id, owner_id=current_user.id).first_or_404()
    if request.content_length is None or request.content_length > MAX_CERTIFICATE_BYTES:
        abort(413)
    upload = request.files.get("certificate")
    if upload is None:
        return jsonify(error="certificate file is required"), 400
    kind = _sniff(upload.stream)
    if kind is None:
        return jsonify(error="certificates must be PDF, JPEG or PNG"), 415
    try:
        expires_on = date.fromisoformat(request.form["expires_on"])
    except (KeyError, ValueError):
        return jsonify(error="expires_on must be an ISO date"), 400

    content_type, extension = kind
    key = f"vaccinations/{pet.id}/{uuid.uuid4().hex}{extension}"
    _s3.upload_fileobj(  # ok: SEC019
        upload.stream,
        current_app.config["RECORDS_BUCKET"],
        key,
        ExtraArgs={"ContentType": content_type, "ServerSideEncryption": "AES256"},
    )
    record = VaccinationRecord(
        pet_id=pet.id,
        original_name=secure_filename(upload.filename or "certificate")[:255],
        content_type=content_type,
        s3_key=key,
        expires_on=expires_on,
    )
    db.session.add(record)
    db.session.commit()
    log.info("vaccination record %s uploaded for pet %s by owner %s", record.id, pet.id, current_user.id)
    return jsonify(id=record.id, expires_on=expires_on.isoformat()), 201


@bp.get("/<int:record_id>")
@login_required
def record_link(record_id: int):
    record = (
        VaccinationRecord.query.join(Pet)
        .filter(VaccinationRecord.id == record_id, Pet.owner_id == current_user.id)
        .first_or_404()
    )
    url = _s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": current_app.config["RECORDS_BUCKET"],
            "Key": record.s3_key,
            "ResponseContentDisposition": f'attachment; filename="{record.original_name}"',
        },
        ExpiresIn=300,
    )
    return redirect(url, code=302)
