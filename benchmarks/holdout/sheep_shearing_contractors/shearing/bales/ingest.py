"""Bale-weight import (v2): size-capped, streamed, batched, one transaction."""
import csv
import io
import logging
from decimal import Decimal, InvalidOperation

import yaml
from flask import Blueprint, abort, current_app, g, jsonify, request
from psycopg2.extras import execute_values

from shearing.auth import login_required
from shearing.bales.weights import REQUIRED_COLUMNS, _row_values
from shearing.db import get_conn, get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("bales_v2", __name__, url_prefix="/v2/bales")

BATCH = 500
UPSERT = (
    "INSERT INTO bales (visit_id, bale_no, grade, micron, net_kg) VALUES %s "
    "ON CONFLICT (visit_id, bale_no) DO UPDATE SET grade = EXCLUDED.grade, "
    "micron = EXCLUDED.micron, net_kg = EXCLUDED.net_kg"
)


@bp.post("/visits/<int:visit_id>/import")
@login_required
def import_bale_weights(visit_id: int):
    limit = current_app.config["BALE_FILE_MAX_BYTES"]
    if request.content_length is None or request.content_length > limit:
        abort(413, f"scale exports are limited to {limit // (1024 * 1024)} MB")
    upload = request.files.get("file")
    if upload is None or not (upload.filename or "").lower().endswith(".csv"):
        abort(400, "attach the scale export (.csv) as 'file'")

    imported, rejected, batch = 0, [], []
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT v.id FROM visits v JOIN gangs gg ON gg.id = v.gang_id WHERE v.id = %s AND gg.contractor_id = %s",
            (visit_id, g.user["contractor_id"]),
        )
        if cur.fetchone() is None:
            abort(404)

        reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline=""))
        if not REQUIRED_COLUMNS.issubset(reader.fieldnames or []):
            abort(400, f"export must have columns {sorted(REQUIRED_COLUMNS)}")
        for line_no, row in enumerate(reader, start=2):
            try:
                batch.append(_row_values(row, visit_id))
            except (InvalidOperation, ValueError, KeyError) as exc:
                rejected.append({"line": line_no, "reason": str(exc)})
                continue
            if len(batch) >= BATCH:
                execute_values(cur, UPSERT, batch)
                imported += len(batch)
                batch.clear()
        if batch:
            execute_values(cur, UPSERT, batch)
            imported += len(batch)
    # get_conn() committed once, after the last batch.

    logger.info("visit %s: %d bales imported, %d rejected", visit_id, imported, len(rejected))
    return jsonify(imported=imported, rejected=rejected[:100])


@bp.post("/scales/<int:scale_id>/profile")
@login_required
def upload_scale_profile(scale_id: int):
    raw = request.form.get("profile", "")
    if not raw or len(raw) > 64 * 1024:
        abort(400, "paste the profile (at most 64 KB) into 'profile'")
    try:
        profile = yaml.safe_load(raw)  # ok: SEC004
        offset = Decimal(str(profile["zero_offset_kg"]))
        span = Decimal(str(profile.get("span_factor", 1)))
    except (yaml.YAMLError, AttributeError, TypeError, KeyError, InvalidOperation):
        abort(400, "not a scale calibration profile")

    with get_cursor() as cur:
        cur.execute(
            "UPDATE scales SET zero_offset_kg = %s, span_factor = %s, profile_updated_at = now() "
            "WHERE id = %s AND contractor_id = %s",
            (offset, span, scale_id, g.user["contractor_id"]),
        )
        if cur.rowcount == 0:
            abort(404)
    logger.info("scale %s calibration updated", scale_id)
    return jsonify(ok=True)
