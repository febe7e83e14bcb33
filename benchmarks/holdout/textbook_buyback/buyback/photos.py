"""Condition photos for graded items, stored in S3 rather than on the bench PC."""
import logging
import uuid

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, current_app, g, jsonify, request

from buyback.models import ConditionPhoto, OrderItem, db
from buyback.staff_auth import staff_required

bp = Blueprint("photos", __name__, url_prefix="/photos")
log = logging.getLogger(__name__)

MAX_PHOTOS_PER_ITEM = 6
_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}

_s3 = boto3.client(
    "s3",
    config=BotoConfig(connect_timeout=3, read_timeout=15, retries={"max_attempts": 3, "mode": "standard"}),
)


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in _SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


@bp.post("/items/<int:item_id>")
@staff_required
def upload_photo(item_id: int):
    item = db.get_or_404(OrderItem, item_id)
    existing = ConditionPhoto.query.filter_by(item_id=item.id).count()  # ok: DB005
    if existing >= MAX_PHOTOS_PER_ITEM:
        return jsonify(error="photo limit reached for this item"), 409

    upload = request.files.get("photo")
    if upload is None:
        return jsonify(error="photo is required"), 400
    head = upload.stream.read(16)
    upload.stream.seek(0)
    kind = _sniff(head)
    if kind is None:
        return jsonify(error="only JPEG or PNG photos are accepted"), 415  # ok: SEC019
    content_type, ext = kind

    key = f"items/{item.id}/{uuid.uuid4().hex}.{ext}"  # ok: SEC015
    try:
        _s3.upload_fileobj(  # ok: SCL002
            upload.stream,
            current_app.config["PHOTO_BUCKET"],
            key,
            ExtraArgs={"ContentType": content_type, "ContentDisposition": "inline"},
        )
    except (BotoCoreError, ClientError):
        log.exception("photo upload failed for item %s", item.id)
        return jsonify(error="photo storage is unavailable, try again"), 503

    photo = ConditionPhoto(item_id=item.id, storage_key=key, content_type=content_type, uploaded_by=g.staff.id)
    db.session.add(photo)
    db.session.commit()
    return jsonify(id=photo.id, key=key), 201


@bp.get("/<int:photo_id>/url")
@staff_required
def photo_url(photo_id: int):
    photo = db.get_or_404(ConditionPhoto, photo_id)
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["PHOTO_BUCKET"], "Key": photo.storage_key},
        ExpiresIn=300,
    )
    return jsonify(url=url, expires_in=300)
