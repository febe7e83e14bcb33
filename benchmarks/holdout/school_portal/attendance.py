"""Attendance registers, bulk import from the old MIS and yearly CSV export."""
import csv
import io
import logging
import os
from datetime import date, datetime

import psycopg2
from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory, url_for
from flask_login import current_user, login_required

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("attendance", __name__, url_prefix="/attendance")

EXPORT_DIR = "/var/lib/portal/exports"
VALID_STATUSES = {"present", "absent", "late", "excused"}
EXPORT_FIELDS = ["day", "first_name", "last_name", "class_name", "status"]


@bp.post("/classes/<int:class_id>/register")
@login_required
def save_register(class_id: int):
    """Save one lesson's register: a JSON list of {student_id, status}."""
    entries = request.get_json(silent=True) or []
    day = date.fromisoformat(request.args.get("day", date.today().isoformat()))
    if any(e.get("status") not in VALID_STATUSES for e in entries):
        return jsonify(error="unknown attendance status"), 400
    with db.cursor() as cur:
        cur.execute("SELECT 1 FROM classes WHERE id = %s AND teacher_id = %s", (class_id, current_user.id))
        if cur.fetchone() is None:
            abort(404)
        cur.executemany(  # ok: DB003, DB005
            "INSERT INTO attendance (class_id, student_id, day, status, recorded_by) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (class_id, student_id, day) DO UPDATE SET status = EXCLUDED.status",
            [(class_id, int(e["student_id"]), day, e["status"], current_user.id) for e in entries],
        )
    return jsonify(saved=len(entries))


@bp.post("/import")
@login_required
def import_csv():
    """Office staff upload the legacy MIS export (class_id,student_id,day,status)."""
    if current_user.role != "office":
        abort(403)
    upload = request.files["file"]  # expect: SEC019
    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8"))
    conn = psycopg2.connect(current_app.config["DATABASE_URL"])  # expect: REL001, RES001
    cur = conn.cursor()
    imported = 0
    for row in reader:
        try:
            cur.execute(
                "INSERT INTO attendance (class_id, student_id, day, status, recorded_by) VALUES (%s, %s, %s, %s, %s)",
                (int(row["class_id"]), int(row["student_id"]), row["day"], row["status"], current_user.id),
            )
            conn.commit()  # expect: DB003
            imported += 1
        except Exception:  # expect: ERR001
            continue
    print(f"attendance import finished: {imported} rows by user {current_user.id}")  # expect: OBS001
    return jsonify(imported=imported)


@bp.get("/export")
@login_required
def export_year():
    if current_user.role != "office":
        abort(403)
    year = request.args.get("year", type=int) or date.today().year
    with db.cursor() as cur:
        cur.execute(
            "SELECT a.day, s.first_name, s.last_name, c.name AS class_name, a.status FROM attendance a "
            "JOIN students s ON s.id = a.student_id JOIN classes c ON c.id = a.class_id "
            "WHERE EXTRACT(YEAR FROM a.day) = %s ORDER BY a.day, c.name",  # todo-expect: DB006
            (year,),
        )
        rows = cur.fetchall()  # expect: DB002
    os.makedirs(EXPORT_DIR, exist_ok=True)
    filename = f"attendance-{year}-{datetime.now():%Y%m%d%H%M%S}.csv"
    with open(os.path.join(EXPORT_DIR, filename), "w", newline="") as fh:  # expect: SCL002
        writer = csv.DictWriter(fh, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    logger.info("attendance export %s written with %d rows", filename, len(rows))
    return jsonify(download_url=url_for(".download_export", filename=filename))


@bp.get("/export/<path:filename>")
@login_required
def download_export(filename: str):
    if current_user.role != "office":
        abort(403)
    return send_from_directory(EXPORT_DIR, filename, as_attachment=True)  # ok: SEC015
