"""Wool-bale weights exported from the woolshed scales, and scale calibration profiles."""
import csv
import io
import logging
from decimal import Decimal, InvalidOperation

import yaml
from flask import Blueprint, abort, g, jsonify, request

from shearing.auth import login_required
from shearing.db import get_conn, get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("bales", __name__, url_prefix="/bales")

REQUIRED_COLUMNS = {"bale_no", "grade", "micron", "gross_kg", "tare_kg"}


def _row_values(row: dict, visit_id: int) -> tuple:
    gross = Decimal(row["gross_kg"])
    tare = Decimal(row["tare_kg"])
    if not Decimal("0") < tare < gross <= Decimal("250"):
        raise ValueError(f"implausible weights for bale {row['bale_no']}")
    return (visit_id, row["bale_no"].strip(), row["grade"].strip().upper(), Decimal(row["micron"]), gross - tare)


@bp.post("/visits/<int:visit_id>/import")
@login_required
def import_bale_weights(visit_id: int):
    visit = None
    with get_cursor() as cur:
        cur.execute(
            "SELECT v.id FROM visits v JOIN gangs gg ON gg.id = v.gang_id WHERE v.id = %s AND gg.contractor_id = %s",
            (visit_id, g.user["contractor_id"]),
        )
        visit = cur.fetchone()
    if visit is None:
        abort(404)

    upload = request.files.get("file")
    if upload is None:
        abort(400, "attach the scale export as 'file'")
    text = upload.read().decode("utf-8-sig")  # expect: SEC019, RES003
    reader = csv.DictReader(io.StringIO(text))
    if not REQUIRED_COLUMNS.issubset(reader.fieldnames or []):
        abort(400, f"export must have columns {sorted(REQUIRED_COLUMNS)}")

    imported, rejected = 0, []
    with get_conn() as conn:
        with conn.cursor() as cur:
            for line_no, row in enumerate(reader, start=2):
                try:
                    values = _row_values(row, visit_id)
                except (InvalidOperation, ValueError, KeyError) as exc:
                    rejected.append({"line": line_no, "reason": str(exc)})
                    continue
                cur.execute(
                    "INSERT INTO bales (visit_id, bale_no, grade, micron, net_kg) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (visit_id, bale_no) DO UPDATE SET grade = EXCLUDED.grade, "
                    "micron = EXCLUDED.micron, net_kg = EXCLUDED.net_kg",
                    values,
                )
                conn.commit()  # expect: DB003
                imported += 1

    logger.info("visit %s: %d bales imported, %d rejected", visit_id, imported, len(rejected))
    return jsonify(imported=imported, rejected=rejected[:100])


@bp.post("/scales/<int:scale_id>/profile")
@login_required
def upload_scale_profile(scale_id: int):
    """Calibration profile (YAML) exported by the scale vendor's desktop tool."""
    raw = request.form.get("profile", "")
    if not raw:
        abort(400, "paste the profile into 'profile'")
    profile = yaml.load(raw, Loader=yaml.Loader)  # expect: SEC004
    if not isinstance(profile, dict) or "zero_offset_kg" not in profile:
        abort(400, "not a scale calibration profile")

    with get_cursor() as cur:
        cur.execute(
            "UPDATE scales SET zero_offset_kg = %s, span_factor = %s, profile_updated_at = now() "
            "WHERE id = %s AND contractor_id = %s",
            (Decimal(str(profile["zero_offset_kg"])), Decimal(str(profile.get("span_factor", 1))), scale_id,
             g.user["contractor_id"]),
        )
        if cur.rowcount == 0:
            abort(404)
    logger.info("scale %s calibration updated", scale_id)
    return jsonify(ok=True)
