"""Pharmacist search and lookup of prescriptions by patient name or Rx number."""
import os
import sqlite3

from flask import Blueprint, jsonify, request

from .auth import pharmacist_required

bp = Blueprint("prescriptions", __name__, url_prefix="/prescriptions")

DB_PATH = os.environ.get("PHARMACY_DB", "/var/lib/pharmacy/orders.db")


@bp.get("/search")
@pharmacist_required
def search_prescriptions():
    name = request.args.get("name", "").strip()
    if len(name) < 2:
        return jsonify(error="search needs at least two characters"), 400
    conn = sqlite3.connect(DB_PATH)  # expect: RES001
    conn.row_factory = sqlite3.Row
    sql = (
        "SELECT rx_number, patient_name, drug_name, refills_left, filled_at "
        "FROM prescriptions WHERE patient_name LIKE '%%%s%%' "  # todo-expect: DB006
        "ORDER BY filled_at DESC LIMIT 50" % name
    )
    rows = conn.execute(sql).fetchall()  # expect: SEC001
    return jsonify(results=[dict(row) for row in rows])


@bp.get("/<rx_number>")
@pharmacist_required
def get_prescription(rx_number: str):
    conn = sqlite3.connect(DB_PATH)  # expect: RES001
    conn.row_factory = sqlite3.Row
    row = conn.execute(  # ok: SEC001
        "SELECT rx_number, patient_name, drug_name, dosage, refills_left, prescriber "
        "FROM prescriptions WHERE rx_number = ?",
        (rx_number,),
    ).fetchone()
    if row is None:
        return jsonify(error="prescription not found"), 404
    history = conn.execute(
        "SELECT filled_at, quantity FROM fills WHERE rx_number = ? ORDER BY filled_at DESC LIMIT 20",
        (rx_number,),
    ).fetchall()
    conn.close()
    return jsonify(prescription=dict(row), fills=[dict(h) for h in history])
