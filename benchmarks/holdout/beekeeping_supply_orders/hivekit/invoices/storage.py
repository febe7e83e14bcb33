"""Invoice PDFs and packing photos on S3, handed to customers as short-lived links."""
import logging
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, abort, g, jsonify, request

from .. import config
from ..auth import login_required, staff_required
from ..db import fetch_one, pool
from .render import load_invoice_data, render_invoice_pdf

log = logging.getLogger(__name__)
invoice_links_bp = Blueprint("invoice_links", __name__)

s3 = boto3.client(
    "s3",
    region_name=config.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"}),
)

LINK_TTL_SECONDS = 300
PHOTO_TYPES = {"image/jpeg": (b"\xff\xd8\xff", "jpg"), "image/png": (b"\x89PNG", "png")}


def invoice_key(order_id: int) -> str:
    return f"invoices/{order_id // 10000:04d}/INV-{order_id:06d}.pdf"


@invoice_links_bp.post("/api/admin/orders/<int:order_id>/invoice/publish")
@staff_required
def publish_invoice(order_id: int):
    data = load_invoice_data(order_id)
    if data is None:
        abort(404, description="No such order.")
    key = invoice_key(order_id)
    s3.put_object(  # ok: SCL002
        Bucket=config.INVOICE_BUCKET,
        Key=key,
        Body=render_invoice_pdf(*data),
        ContentType="application/pdf",
        ServerSideEncryption="aws:kms",
    )
    with pool.connection() as conn:
        conn.execute("UPDATE orders SET invoice_key = %s WHERE id = %s", (key, order_id))
    log.info("staff %s published invoice for order %s to s3://%s/%s",
             g.customer_id, order_id, config.INVOICE_BUCKET, key)
    return jsonify(key=key), 201


@invoice_links_bp.get("/api/orders/<int:order_id>/invoice")
@login_required
def invoice_link(order_id: int):
    row = fetch_one(
        "SELECT invoice_key FROM orders WHERE id = %s AND customer_id = %s",  # ok: SEC018
        (order_id, g.customer_id),
    )
    if row is None or not row["invoice_key"]:
        abort(404, description="No invoice for this order yet.")
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": config.INVOICE_BUCKET,
            "Key": row["invoice_key"],
            "ResponseContentDisposition": f'attachment; filename="INV-{order_id:06d}.pdf"',
        },
        ExpiresIn=LINK_TTL_SECONDS,
    )
    return jsonify(url=url, expires_in=LINK_TTL_SECONDS)


@invoice_links_bp.post("/api/admin/orders/<int:order_id>/packing-photos")
@staff_required
def upload_packing_photo(order_id: int):
    photo = request.files.get("photo")
    if photo is None or photo.mimetype not in PHOTO_TYPES:
        abort(415, description="Upload a JPEG or PNG as 'photo'.")
    magic, ext = PHOTO_TYPES[photo.mimetype]
    head = photo.stream.read(len(magic))
    photo.stream.seek(0)
    if head != magic:
        abort(415, description="File content does not match its type.")
    key = f"packing/{order_id}/{uuid.uuid4().hex}.{ext}"
    s3.upload_fileobj(photo.stream, config.INVOICE_BUCKET, key, ExtraArgs={"ContentType": photo.mimetype})  # ok: SEC019
    log.info("staff %s attached packing photo %s to order %s", g.customer_id, key, order_id)
    return jsonify(key=key), 201
