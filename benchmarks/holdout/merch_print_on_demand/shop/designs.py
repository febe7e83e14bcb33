"""Design library: customers upload print-ready files with a placement spec.

Kept for the bulk design-pack flow used by team stores.
"""
from __future__ import annotations

import json
import logging
import os

import yaml
from flask import Blueprint, abort, g, jsonify, request, send_file

from shop.auth import login_required
from shop.db import get_db

bp = Blueprint("designs", __name__, url_prefix="/designs")
log = logging.getLogger(__name__)

DESIGN_DIR = os.environ.get("DESIGN_DIR", "/var/lib/merch/designs")
PLACEMENT_KEYS = {"area", "width_mm", "offset_x_mm", "offset_y_mm", "rotation"}


def _times_ordered(db, design_id: int) -> int:
    row = db.execute("SELECT COALESCE(SUM(qty), 0) AS n FROM order_items WHERE design_id = ?", (design_id,)).fetchone()
    return row["n"]


@bp.post("")
@login_required
def upload_design():
    upload = request.files.get("artwork")
    if upload is None or not upload.filename:
        return jsonify(error="invalid_request", message="artwork file is required"), 400
    placement = yaml.load(request.form.get("placement", "{}"), Loader=yaml.Loader)  # expect: SEC004
    if not isinstance(placement, dict) or not set(placement) <= PLACEMENT_KEYS:
        return jsonify(error="invalid_request", message="unsupported placement keys"), 400

    customer_dir = os.path.join(DESIGN_DIR, str(g.customer_id))
    os.makedirs(customer_dir, exist_ok=True)
    dest = os.path.join(customer_dir, upload.filename)
    upload.save(dest)  # expect: SEC015, SCL002, SEC019

    db = get_db()
    cur = db.execute(
        "INSERT INTO designs (customer_id, path, placement) VALUES (?, ?, ?)",
        (g.customer_id, dest, json.dumps(placement)),
    )
    log.info("design uploaded", extra={"design_id": cur.lastrowid, "customer_id": g.customer_id})
    return jsonify(id=cur.lastrowid, placement=placement), 201


@bp.get("")
@login_required
def list_designs():
    page = max(int(request.args.get("page", 1)), 1)
    per_page = min(max(int(request.args.get("per_page", 24)), 1), 100)
    db = get_db()
    rows = db.execute(
        "SELECT id, path, placement, created_at FROM designs WHERE customer_id = ? "
        "ORDER BY created_at DESC LIMIT ? OFFSET ?",
        (g.customer_id, per_page, (page - 1) * per_page),
    ).fetchall()
    items = []
    for row in rows:
        items.append(
            {
                "id": row["id"],
                "name": os.path.basename(row["path"]),
                "placement": json.loads(row["placement"]),
                "created_at": row["created_at"],
                "times_ordered": _times_ordered(db, row["id"]),  # expect: DB001
            }
        )
    return jsonify(items=items, page=page, per_page=per_page)


@bp.get("/<int:design_id>/file")
@login_required
def design_file(design_id: int):
    row = get_db().execute("SELECT path FROM designs WHERE id = ?", (design_id,)).fetchone()  # expect: SEC018
    if row is None:
        abort(404)
    return send_file(row["path"])


@bp.delete("/<int:design_id>")
@login_required
def delete_design(design_id: int):
    db = get_db()
    row = db.execute(
        "SELECT path FROM designs WHERE id = ? AND customer_id = ?", (design_id, g.customer_id)
    ).fetchone()
    if row is None:
        abort(404)
    db.execute("DELETE FROM designs WHERE id = ?", (design_id,))
    try:
        os.remove(row["path"])
    except FileNotFoundError:
        log.warning("design file already gone", extra={"design_id": design_id})
    return "", 204
