"""Proof-of-delivery signatures captured on the driver's tablet.

The tablet posts the signature image when the load is dropped; the order is
marked delivered once the image is safely in S3.
"""
import logging
import uuid

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, abort, current_app, g, jsonify, request

from ..auth import contractor_required, yard_staff_required
from ..db import transaction

bp = Blueprint("signatures", __name__, url_prefix="/orders/<int:order_id>/signature")
logger = logging.getLogger(__name__)

_s3 = boto3.client("s3")
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
MULTIPART_OVERHEAD = 16 * 1024
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def _sniff_image_type(head: bytes):
    """Decide the type from the file's magic bytes, not from what the client claims."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


@bp.post("")
@contractor_required
@yard_staff_required
def upload_signature(order_id: int):
    length = request.content_length
    if length is None or length > MAX_SIGNATURE_BYTES + MULTIPART_OVERHEAD:
        abort(413, description="signature images are limited to 2 MB")
    upload = request.files.get("signature")
    if upload is None:
        abort(400, description="attach the image as the 'signature' field")

    content_type = _sniff_image_type(upload.stream.read(16))
    if content_type is None:
        abort(415, description="signature must be a PNG or JPEG image")
    upload.stream.seek(0)

    key = f"orders/{order_id}/signature-{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    try:
        _s3.upload_fileobj(  # ok: SEC019
            upload.stream,
            current_app.config["PHOTO_BUCKET"],
            key,
            ExtraArgs={"ContentType": content_type},
        )
    except (BotoCoreError, ClientError):
        logger.exception("signature upload failed for order %s", order_id)
        abort(502, description="could not store the signature, please retry")

    with transaction() as cur:
        cur.execute(
            "UPDATE orders SET status = 'delivered', delivered_at = now(), "
            "signature_key = %s WHERE id = %s AND status IN ('scheduled', 'out_for_delivery') "
            "RETURNING id",
            (key, order_id),
        )
        if cur.fetchone() is None:
            abort(409, description="order is not out for delivery")
        cur.execute(
            "INSERT INTO order_events (order_id, kind, staff_id, created_at) "
            "VALUES (%s, 'delivered', %s, now())",
            (order_id, g.contractor_id),
        )
    logger.info("order %s delivered, signature %s", order_id, key)
    return jsonify(order_id=order_id, status="delivered", signature_key=key), 201
