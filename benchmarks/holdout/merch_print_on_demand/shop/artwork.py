"""Artwork uploads for the storefront designer, stored in S3."""
from __future__ import annotations

import json
import logging
import uuid

import boto3
import yaml
from botocore.config import Config
from flask import Blueprint, abort, current_app, g, jsonify, redirect, request
from werkzeug.utils import secure_filename

from shop.auth import login_required
from shop.db import get_db

bp = Blueprint("artwork", __name__, url_prefix="/artwork")
log = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)

SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "pdf": (b"%PDF-", "application/pdf"),
}
PLACEMENT_KEYS = {"area", "width_mm", "offset_x_mm", "offset_y_mm", "rotation"}


def _placement_from_form() -> dict:
    raw = request.form.get("placement") or "{}"
    placement = yaml.safe_load(raw)  # ok: SEC004
    if not isinstance(placement, dict) or not set(placement) <= PLACEMENT_KEYS:
        abort(400, description="unsupported placement keys")
    return placement


@bp.post("")
@login_required
def upload_artwork():
    upload = request.files.get("artwork")
    if upload is None or not upload.filename:
        abort(400, description="artwork file is required")
    name = secure_filename(upload.filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = upload.stream.read(8)
    upload.stream.seek(0)
    if ext not in SIGNATURES or not head.startswith(SIGNATURES[ext][0]):  # ok: SEC019
        abort(415, description="artwork must be PNG, JPEG or PDF")
    placement = _placement_from_form()

    cfg = current_app.config["MERCH"]
    key = f"artwork/{g.customer_id}/{uuid.uuid4().hex}.{ext}"  # ok: SEC015
    _s3.upload_fileobj(upload.stream, cfg.s3_bucket, key, ExtraArgs={"ContentType": SIGNATURES[ext][1]})  # ok: SCL002
    cur = get_db().execute(
        "INSERT INTO artwork (customer_id, s3_key, content_type, placement) VALUES (?, ?, ?, ?)",
        (g.customer_id, key, SIGNATURES[ext][1], json.dumps(placement)),
    )
    log.info("artwork stored", extra={"artwork_id": cur.lastrowid, "customer_id": g.customer_id})
    return jsonify(id=cur.lastrowid, placement=placement), 201


@bp.get("/<int:artwork_id>")
@login_required
def artwork_link(artwork_id: int):
    row = get_db().execute(
        "SELECT s3_key FROM artwork WHERE id = ? AND customer_id = ?", (artwork_id, g.customer_id)  # ok: SEC018
    ).fetchone()
    if row is None:
        abort(404)
    cfg = current_app.config["MERCH"]
    url = _s3.generate_presigned_url(
        "get_object", Params={"Bucket": cfg.s3_bucket, "Key": row["s3_key"]}, ExpiresIn=300
    )
    return redirect(url, code=303)
