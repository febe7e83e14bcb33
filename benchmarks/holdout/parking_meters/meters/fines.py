import logging
import os
from datetime import datetime, timedelta, timezone

from flask import Blueprint, g, jsonify, request
from werkzeug.utils import secure_filename

from .auth import login_required, role_required
from .db import fetch_one, normalise_plate, pool, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("fines", __name__, url_prefix="/api/fines")

EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", "/var/lib/meters/evidence")
ALLOWED_EVIDENCE = {".jpg", ".jpeg", ".png", ".pdf"}


def _fine_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "notice_number": row["notice_number"],
        "zone_id": row["zone_id"],
        "issued_at": row["issued_at"].isoformat(),
        "amount_cents": row["amount_cents"],
        "status": row["status"],
    }


@bp.get("/plate/<plate>")
def fines_for_plate(plate: str):
    plate = normalise_plate(plate)
    sort = request.args.get("sort", "issued_at")
    direction = "ASC" if request.args.get("order") == "asc" else "DESC"
    with pool.connection() as conn:
        rows = conn.execute(f"SELECT id, notice_number, zone_id, issued_at, amount_cents, status FROM fines WHERE plate = %s ORDER BY {sort} {direction} LIMIT 50", (plate,)).fetchall()  # expect: SEC001
    return jsonify(plate=plate, fines=[_fine_json(r) for r in rows])


@bp.get("/officer/recent")
@role_required("officer", "supervisor")
def recent_fines():
    try:
        hours = int(request.args.get("hours", "24"))
    except ValueError:
        return jsonify(error="invalid_hours"), 422
    since = datetime.now(timezone.utc) - timedelta(hours=hours)
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT id, notice_number, plate, zone_id, issued_at, amount_cents, status, officer_id"
            " FROM fines WHERE issued_at >= %s ORDER BY issued_at DESC",
            (since,),
        ).fetchall()  # expect: DB002
    return jsonify(fines=[{**_fine_json(r), "plate": r["plate"], "officer_id": r["officer_id"]} for r in rows])


@bp.post("/<int:fine_id>/appeal")
@login_required
def appeal_fine(fine_id: int):
    fine = fetch_one("SELECT id, plate, status FROM fines WHERE id = %s", (fine_id,))
    if fine is None:
        return jsonify(error="fine_not_found"), 404
    owns = fetch_one("SELECT 1 FROM vehicles WHERE user_id = %s AND plate = %s", (g.user["id"], fine["plate"]))
    if not owns:
        return jsonify(error="forbidden"), 403

    statement = request.form.get("statement", "").strip()[:4000]
    evidence = request.files.get("evidence")
    evidence_path = None
    if evidence and evidence.filename:
        name = secure_filename(evidence.filename)  # ok: SEC015
        if os.path.splitext(name)[1].lower() not in ALLOWED_EVIDENCE:
            return jsonify(error="unsupported_evidence_type"), 415
        evidence_path = os.path.join(EVIDENCE_DIR, f"{fine_id}-{name}")
        evidence.save(evidence_path)  # expect: SCL002

    with transaction() as conn:
        updated = conn.execute(
            "UPDATE fines SET status = 'under_appeal' WHERE id = %s AND status = 'issued'", (fine_id,)
        )  # ok: DB004
        if updated.rowcount == 0:
            return jsonify(error="not_appealable"), 409
        conn.execute(
            "INSERT INTO fine_appeals (fine_id, user_id, statement, evidence_path) VALUES (%s, %s, %s, %s)",
            (fine_id, g.user["id"], statement, evidence_path),
        )
    logger.info("appeal filed fine=%s user=%s", fine_id, g.user["id"])
    return jsonify(id=fine_id, status="under_appeal"), 202
