import logging
import tempfile
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from movers.models import ClaimPhoto, DamageClaim, db

log = logging.getLogger(__name__)
bp = Blueprint("claim_photos", __name__, url_prefix="/api/v2/claims")

MAX_PHOTO_BYTES = 8 * 1024 * 1024
CHUNK = 64 * 1024
SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}

_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=30,
                                       retries={"max_attempts": 3, "mode": "standard"}))


def _sniff(head):
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


def _owned_claim(claim_id):
    query = DamageClaim.query.filter_by(id=claim_id)
    if not current_user.is_staff:
        query = query.filter_by(customer_id=current_user.id)
    return query.first_or_404()  # ok: SEC018


@bp.post("/<int:claim_id>/photos")
@login_required
def add_photo(claim_id):
    claim = _owned_claim(claim_id)
    upload = request.files.get("photo")
    if upload is None:
        return jsonify(error="missing_file"), 400

    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as buf:  # ok: SCL002
        total = 0
        while True:
            chunk = upload.stream.read(CHUNK)  # ok: SEC019
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_PHOTO_BYTES:
                return jsonify(error="file_too_large", limit=MAX_PHOTO_BYTES), 413
            buf.write(chunk)
        buf.seek(0)
        kind = _sniff(buf.read(8))
        if kind is None:
            return jsonify(error="unsupported_type"), 415
        content_type, ext = kind
        buf.seek(0)
        key = f"claims/{claim.id}/{uuid.uuid4().hex}.{ext}"  # ok: SEC015
        _s3.upload_fileobj(buf, current_app.config["CLAIMS_BUCKET"], key,
                           ExtraArgs={"ContentType": content_type})

    photo = ClaimPhoto(claim_id=claim.id, storage_key=key, content_type=content_type,
                       size_bytes=total)
    db.session.add(photo)
    db.session.commit()
    log.info("photo %s stored for claim %s (%d bytes)", photo.id, claim.id, total)
    return jsonify(id=photo.id), 201


@bp.get("/<int:claim_id>/photos/<int:photo_id>")
@login_required
def photo_link(claim_id, photo_id):
    claim = _owned_claim(claim_id)
    photo = ClaimPhoto.query.filter_by(id=photo_id, claim_id=claim.id).first_or_404()
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["CLAIMS_BUCKET"], "Key": photo.storage_key},
        ExpiresIn=300,
    )
    return jsonify(url=url, expires_in=300)
