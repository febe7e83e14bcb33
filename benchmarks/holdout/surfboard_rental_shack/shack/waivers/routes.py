"""Liability waivers: customers sign on the tablet, staff can pull signed copies."""
from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, render_template_string, request, send_file

from shack.auth import staff_required
from shack.db import db_for, get_db, get_queue

logger = logging.getLogger(__name__)

bp = Blueprint("waivers", __name__, url_prefix="/waivers")

WAIVER_DIR = Path(os.environ.get("WAIVER_DIR", "/var/lib/shack/waivers"))
WAIVER_VERSION = "2024-05"
VALID_FOR = timedelta(days=365)
REQUIRED_FIELDS = ("full_name", "email", "date_of_birth", "emergency_contact", "signature_svg")

WAIVER_PAGE = """
{% extends "waiver_base.html" %}
{% block body %}
<h1>Board hire and lesson waiver</h1>
<p>Welcome, GUEST_NAME. Please read the terms below before you sign.</p>
{% include "waiver_terms.html" %}
{% endblock %}
"""


@bp.get("/sign")
def waiver_form():
    guest = request.args.get("name", "there")
    page = WAIVER_PAGE.replace("GUEST_NAME", guest)
    return render_template_string(page, version=WAIVER_VERSION)  # expect: SEC016


def email_signed_copy(path: str, recipient: str) -> None:
    """RQ job: send the customer their signed copy."""
    from shack.config import load_config
    from shack.mailer import Mailer

    body = Path(path).read_text(encoding="utf-8")
    Mailer.from_config(load_config()).send_html(recipient, "Your signed waiver", body)


@bp.post("/sign")
def sign_waiver():
    payload = request.get_json(silent=True) or {}
    missing = [f for f in REQUIRED_FIELDS if not payload.get(f)]
    if missing:
        return jsonify(error=f"missing fields: {', '.join(missing)}"), 400
    if not str(payload["signature_svg"]).startswith("<svg"):
        return jsonify(error="signature must be an SVG drawing"), 400

    cfg = current_app.config["SHACK"]
    now = datetime.now(timezone.utc)
    waiver_id = uuid.uuid4().hex
    customer_id = payload.get("customer_id") or waiver_id
    db = get_db()
    db.waivers.insert_one(
        {
            "_id": waiver_id,
            "customer_id": customer_id,
            "full_name": payload["full_name"],
            "email": payload["email"],
            "date_of_birth": payload["date_of_birth"],
            "emergency_contact": payload["emergency_contact"],
            "version": WAIVER_VERSION,
            "signed_at": now,
            "valid_until": now + VALID_FOR,
        }
    )
    html = render_template("waiver_signed.html", waiver=payload, signed_at=now, version=WAIVER_VERSION)
    WAIVER_DIR.mkdir(parents=True, exist_ok=True)
    copy_path = WAIVER_DIR / f"{waiver_id}.html"
    copy_path.write_text(html, encoding="utf-8")  # expect: SCL002
    get_queue(cfg, "mail").enqueue(email_signed_copy, str(copy_path), payload["email"])
    logger.info("waiver %s signed for customer %s", waiver_id, customer_id)
    return jsonify(waiver_id=waiver_id, customer_id=customer_id, valid_until=(now + VALID_FOR).isoformat()), 201


@bp.get("/copies/<path:filename>")
@staff_required("manager", "counter")
def download_copy(filename: str):
    return send_file(WAIVER_DIR / filename, mimetype="text/html", as_attachment=True)  # expect: SEC015


@bp.get("/status/<customer_id>")
@staff_required("manager", "counter", "instructor")
def waiver_status(customer_id: str):
    now = datetime.now(timezone.utc)
    waiver = db_for(current_app.config["SHACK"]).waivers.find_one(
        {"customer_id": customer_id, "valid_until": {"$gte": now}},
        {"_id": 1, "version": 1, "valid_until": 1},
        sort=[("valid_until", -1)],
    )
    if waiver is None:
        return jsonify(valid=False)
    return jsonify(valid=True, waiver_id=waiver["_id"], version=waiver["version"], valid_until=waiver["valid_until"].isoformat())
