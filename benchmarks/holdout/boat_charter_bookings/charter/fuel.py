"""Fuel dock receipts and per-boat fuel levels."""
import csv
import io
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import Blueprint, jsonify, request

from .auth import staff_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("fuel", __name__, url_prefix="/fuel")

REQUIRED_COLUMNS = {"boat_registration", "filled_at", "litres", "cost", "receipt_no"}


@bp.post("/import")
@staff_required
def import_receipts():
    upload = request.files.get("receipts")
    if upload is None or not upload.filename.lower().endswith(".csv"):
        return jsonify({"error": "upload a CSV export from the fuel dock"}), 400
    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8-sig"))
    if not REQUIRED_COLUMNS.issubset(reader.fieldnames or ()):
        return jsonify({"error": f"missing columns, need {sorted(REQUIRED_COLUMNS)}"}), 400

    imported, skipped = 0, 0
    with get_conn() as conn:
        boats = {
            r["registration"]: r["id"]
            for r in conn.execute("SELECT id, registration FROM boats").fetchall()
        }
        for line_no, row in enumerate(reader, start=2):
            try:
                boat_id = boats[row["boat_registration"].strip().upper()]
                litres = Decimal(row["litres"])
                cost_cents = int(Decimal(row["cost"]) * 100)
                filled_at = datetime.fromisoformat(row["filled_at"])
            except (KeyError, InvalidOperation, ValueError) as exc:
                print(f"fuel import: skipping line {line_no}: {exc!r}")  # expect: OBS001
                skipped += 1
                continue
            conn.execute(
                "INSERT INTO fuel_receipts (boat_id, filled_at, litres, cost_cents, receipt_no) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (receipt_no) DO NOTHING",
                (boat_id, filled_at, litres, cost_cents, row["receipt_no"].strip()),
            )
            conn.commit()  # expect: DB003
            imported += 1
    logger.info("fuel receipts imported=%s skipped=%s", imported, skipped)
    return jsonify({"imported": imported, "skipped": skipped})


@bp.post("/boats/<int:boat_id>/usage")
@staff_required
def record_usage(boat_id):
    body = request.get_json(silent=True) or {}
    try:
        used = Decimal(str(body["litres_used"]))
    except (KeyError, InvalidOperation):
        return jsonify({"error": "litres_used is required"}), 422
    with get_conn() as conn:
        boat = conn.execute("SELECT fuel_level_l FROM boats WHERE id = %s", (boat_id,)).fetchone()
        if boat is None:
            return jsonify({"error": "boat not found"}), 404
        new_level = max(boat["fuel_level_l"] - used, Decimal(0))
        conn.execute("UPDATE boats SET fuel_level_l = %s WHERE id = %s", (new_level, boat_id))  # expect: DB004
        conn.commit()
    logger.info("fuel usage boat=%s used=%s level=%s", boat_id, used, new_level)
    return jsonify({"boat_id": boat_id, "fuel_level_l": str(new_level)})


@bp.post("/boats/<int:boat_id>/refuel")
@staff_required
def record_refuel(boat_id):
    body = request.get_json(silent=True) or {}
    try:
        added = Decimal(str(body["litres"]))
    except (KeyError, InvalidOperation):
        return jsonify({"error": "litres is required"}), 422
    with get_conn() as conn:
        row = conn.execute(
            "UPDATE boats SET fuel_level_l = LEAST(fuel_level_l + %s, fuel_capacity_l) "  # ok: DB004
            "WHERE id = %s RETURNING fuel_level_l",
            (added, boat_id),
        ).fetchone()
        conn.commit()
    if row is None:
        return jsonify({"error": "boat not found"}), 404
    return jsonify({"boat_id": boat_id, "fuel_level_l": str(row["fuel_level_l"])})
