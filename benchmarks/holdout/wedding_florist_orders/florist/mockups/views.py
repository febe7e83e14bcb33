"""Design mock-ups: designers upload them, couples approve or comment through an e-mailed link."""

from __future__ import annotations

import logging
import os
import random
import string
import uuid

import boto3
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.utils import secure_filename

from florist.auth import staff_required
from florist.db import fetch_one, transaction
from florist.notifications.mailer import send_mail

logger = logging.getLogger(__name__)
bp = Blueprint("mockups", __name__, url_prefix="/mockups")

ALLOWED_EXTENSIONS = {".png", ".jpg", ".jpeg", ".pdf"}
TOKEN_ALPHABET = string.ascii_letters + string.digits


def _s3():
    return boto3.client("s3", region_name=current_app.config["AWS_REGION"])


@bp.post("/orders/<int:order_id>")
@staff_required
def upload_mockup(order_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, description="attach the mock-up as 'file'")
    filename = secure_filename(upload.filename)  # ok: SEC015
    ext = os.path.splitext(filename)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        abort(415, description="mock-ups must be PNG, JPEG or PDF")
    order = fetch_one("SELECT id, couple_name, couple_email FROM flower_order WHERE id = %s", (order_id,))
    if order is None:
        abort(404, description="order not found")

    key = f"orders/{order_id}/{uuid.uuid4().hex}{ext}"
    _s3().upload_fileobj(
        upload.stream,
        current_app.config["MOCKUP_BUCKET"],
        key,
        ExtraArgs={"ContentType": upload.mimetype},  # expect: SEC019
    )
    approval_token = "".join(random.choices(TOKEN_ALPHABET, k=24))  # expect: SEC010
    with transaction() as conn:
        mockup = conn.execute(
            "INSERT INTO mockup (order_id, s3_key, designer_note, approval_token, status) "
            "VALUES (%s, %s, %s, %s, 'awaiting_approval') RETURNING id",
            (order_id, key, request.form.get("note", ""), approval_token),
        ).fetchone()
    link = f"{current_app.config['PUBLIC_BASE_URL']}{url_for('mockups.approval_page', token=approval_token)}"
    send_mail(current_app.config, [order["couple_email"]], "Your wedding flowers: design to approve",
              f"Hello {order['couple_name']}, your designer has shared a mock-up: {link}")
    return jsonify(mockup_id=mockup["id"]), 201


@bp.get("/approve/<token>")
def approval_page(token: str):
    mockup = fetch_one(
        "SELECT m.id, m.s3_key, m.designer_note, m.status, o.couple_name FROM mockup m "
        "JOIN flower_order o ON o.id = m.order_id WHERE m.approval_token = %s",
        (token,),
    )
    if mockup is None:
        abort(404)
    image_url = _s3().generate_presigned_url(
        "get_object", Params={"Bucket": current_app.config["MOCKUP_BUCKET"], "Key": mockup["s3_key"]},
        ExpiresIn=3600,
    )
    return render_template("mockups/approve.html", mockup=mockup, image_url=image_url)  # ok: SEC016


@bp.post("/approve/<token>")
def submit_approval(token: str):
    decision = request.form.get("decision")
    if decision not in {"approved", "changes_requested"}:
        abort(400, description="choose approve or request changes")
    comment = request.form.get("comment", "")[:2000]
    with transaction() as conn:
        row = conn.execute(
            "UPDATE mockup SET status = %s, customer_comment = %s, decided_at = now() "
            "WHERE approval_token = %s AND status = 'awaiting_approval' RETURNING id, order_id",  # ok: DB005
            (decision, comment, token),
        ).fetchone()
    if row is None:
        abort(409, description="this design has already been answered")
    flash(Markup(f"Thank you! We passed your note to the studio: <em>{comment}</em>"))  # expect: SEC016
    logger.info("mock-up %s for order %s marked %s", row["id"], row["order_id"], decision)
    return redirect(url_for("mockups.approval_page", token=token))
