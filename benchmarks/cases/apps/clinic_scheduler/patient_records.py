"""Patient search, chart export and attachment download for clinic staff."""

import json
import logging
import os

import psycopg2
import psycopg2.extras
from flask import Blueprint, jsonify, request, send_file
from flask_login import login_required

bp = Blueprint("patients", __name__, url_prefix="/patients")
logger = logging.getLogger(__name__)

DSN = os.environ.get("CLINIC_DSN", "dbname=clinic")
ATTACHMENT_DIR = "/srv/clinic/attachments"


def _load_allergies(cur, patient_id: int) -> list[str]:
    cur.execute("SELECT substance FROM allergies WHERE patient_id = %s", (patient_id,))
    return [row["substance"] for row in cur.fetchall()]


def _parse_flags(raw: str | None) -> dict:
    try:
        return json.loads(raw or "{}")
    except Exception:  # expect: ERR001
        return {}


@bp.get("/search")
@login_required
def search_patients():
    q = request.args.get("q", "")
    order = request.args.get("sort", "last_name")
    sql = (
        "SELECT id, first_name, last_name, date_of_birth, flags FROM patients "
        f"WHERE last_name ILIKE '{q}%' ORDER BY {order}"
    )
    conn = psycopg2.connect(DSN, connect_timeout=5)  # expect: RES001
    cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    cur.execute(sql + " LIMIT 50")  # expect: SEC001
    patients = cur.fetchall()
    for row in patients:
        row["allergies"] = _load_allergies(cur, row["id"])  # expect: DB001
        row["flags"] = _parse_flags(row.pop("flags"))
    conn.close()
    return jsonify(patients)


@bp.get("/by-phone")
@login_required
def find_by_phone():
    digits = "".join(ch for ch in request.args.get("phone", "") if ch.isdigit())
    conn = psycopg2.connect(DSN, connect_timeout=5)  # ok: RES001
    try:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(
                "SELECT id, first_name, last_name FROM patients "
                "WHERE regexp_replace(phone, '[^0-9]', '', 'g') = %s LIMIT 5",  # todo-expect: DB006
                (digits,),
            )
            return jsonify(cur.fetchall())
    finally:
        conn.close()


@bp.get("/<int:patient_id>/chart")
@login_required
def export_chart(patient_id: int):
    print("exporting chart", patient_id)  # expect: OBS001
    conn = psycopg2.connect(DSN, connect_timeout=5)
    try:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(  # ok: SEC001
                "SELECT seen_at, summary, clinician FROM encounters WHERE patient_id = %s "
                "ORDER BY seen_at DESC LIMIT 200",
                (patient_id,),
            )
            encounters = cur.fetchall()
    finally:
        conn.close()
    return jsonify(patient_id=patient_id, encounters=encounters)


@bp.get("/<int:patient_id>/attachments")
@login_required
def download_attachment(patient_id: int):
    name = request.args["file"]
    path = os.path.join(ATTACHMENT_DIR, str(patient_id), name)  # expect: SEC015
    return send_file(path, as_attachment=True)


@bp.post("/<int:patient_id>/notes/<int:note_id>/delete")
def delete_note(patient_id: int, note_id: int):  # todo-expect: SEC018
    conn = psycopg2.connect(DSN, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM notes WHERE id = %s AND patient_id = %s", (note_id, patient_id))
        conn.commit()
    finally:
        conn.close()
    return "", 204
