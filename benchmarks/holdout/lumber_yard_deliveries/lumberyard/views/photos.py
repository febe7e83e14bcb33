"""Delivery photos: drivers attach pictures of the drop-off to an order.

Photos live in S3 under orders/<order_id>/; the table only keeps the keys.
Contractors see their own order's photos through short-lived presigned URLs.
"""
import logging
import uuid

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, abort, current_app, g, jsonify, request

from ..auth import contractor_required, yard_staff_required
from ..db import cursor, transaction

bp = Blueprint("photos", __name__, url_prefix="/orders/<int:order_id>/photos")
logger = logging.getLogger(__name__)

_s3 = boto3.client("s3")
PRESIGN_SECONDS = 15 * 60
MAX_PHOTOS_LISTED = 50


def _order_exists(cur, order_id: int) -> bool:
    cur.execute("SELECT 1 FROM orders WHERE id = %s", (order_id,))
    return cur.fetchone() is not None


@bp.post("")
@contractor_required
@yard_staff_required
def upload_photo(order_id: int):
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        abort(400, description="attach the picture as the 'photo' field")
    with cursor() as cur:
        if not _order_exists(cur, order_id):
            abort(404, description="no such order")

    body = upload.read()  # expect: SEC019
    key = f"orders/{order_id}/{uuid.uuid4().hex}.jpg"
    try:
        _s3.put_object(
            Bucket=current_app.config["PHOTO_BUCKET"],
            Key=key,
            Body=body,
            ContentType=upload.mimetype or "image/jpeg",
        )
    except (BotoCoreError, ClientError) as exc:
        logger.error("photo upload failed for order %s: %s", order_id, exc)  # expect: OBS002
        return jsonify(order_id=order_id, key=key, status="stored"), 201  # expect: ERR002

    with transaction() as cur:
        cur.execute(
            "INSERT INTO delivery_photos (order_id, s3_key, uploaded_by, uploaded_at) "
            "VALUES (%s, %s, %s, now())",
            (order_id, key, g.contractor_id),
        )
    logger.info("stored photo %s for order %s", key, order_id)
    return jsonify(order_id=order_id, key=key, status="stored"), 201


@bp.get("")
@contractor_required
def list_photos(order_id: int):
    with cursor() as cur:
        cur.execute(
            "SELECT p.id, p.s3_key, p.uploaded_at FROM delivery_photos p "
            "JOIN orders o ON o.id = p.order_id "
            "WHERE p.order_id = %s AND o.contractor_id = %s "
            "ORDER BY p.id LIMIT %s",
            (order_id, g.contractor_id, MAX_PHOTOS_LISTED),
        )
        rows = cur.fetchall()
    bucket = current_app.config["PHOTO_BUCKET"]
    photos = [
        {
            "id": row["id"],
            "uploaded_at": row["uploaded_at"].isoformat(),
            "url": _s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket, "Key": row["s3_key"]},
                ExpiresIn=PRESIGN_SECONDS,
            ),
        }
        for row in rows
    ]
    return jsonify(order_id=order_id, photos=photos)
