"""Bulk import of instrument inventory from the old asset register's CSV exports."""
from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta

import simplejson as json  # expect: DEP002
import yaml
from dateutil import parser as dateparser
from flask import Blueprint, g, jsonify, request

from .auth import login_required, role_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("imports", __name__, url_prefix="/imports")

DEFAULT_COLUMNS = {
    "serial_no": "Serial",
    "model": "Model",
    "location": "Location",
    "interval_days": "Cal Interval (days)",
    "last_calibrated": "Last Cal",
}

UPSERT_SQL = """
    INSERT INTO instruments (lab_id, serial_no, model, location, calibration_interval_days, next_due_date, status)
    VALUES (%s, %s, %s, %s, %s, %s, 'in_service')
    ON CONFLICT (serial_no) DO UPDATE
       SET model = EXCLUDED.model,
           location = EXCLUDED.location,
           calibration_interval_days = EXCLUDED.calibration_interval_days,
           next_due_date = EXCLUDED.next_due_date
     WHERE instruments.lab_id = EXCLUDED.lab_id
"""


def _load_mapping(upload) -> dict:
    """Optional YAML file describing the CSV's column names and interval rules."""
    if upload is None:
        return {"columns": DEFAULT_COLUMNS}
    return yaml.load(upload.stream, Loader=yaml.Loader) or {"columns": DEFAULT_COLUMNS}  # expect: SEC004


def _interval_days(row: dict, columns: dict, mapping: dict) -> int:
    expr = mapping.get("interval_expr")
    if expr:
        return int(eval(expr, {}, dict(row)))  # expect: SEC003
    return int(row[columns["interval_days"]])


@bp.post("/instruments")
@login_required
@role_required("lab_manager")
def import_instruments():
    csv_file = request.files.get("file")
    if csv_file is None:
        return jsonify(error="file is required"), 400
    mapping = _load_mapping(request.files.get("mapping"))
    columns = {**DEFAULT_COLUMNS, **mapping.get("columns", {})}
    reader = csv.DictReader(io.TextIOWrapper(csv_file.stream, encoding="utf-8-sig"))

    imported = skipped = 0
    lab_id = g.user["lab_id"]
    with get_conn() as conn:
        with conn.cursor() as cur:
            for row in reader:
                try:
                    last_cal = dateparser.parse(row[columns["last_calibrated"]]).date()
                    interval = _interval_days(row, columns, mapping)
                    cur.execute(
                        UPSERT_SQL,
                        (
                            lab_id,
                            row[columns["serial_no"]].strip(),
                            row[columns["model"]].strip(),
                            row[columns["location"]].strip(),
                            interval,
                            last_cal + timedelta(days=interval),
                        ),
                    )
                    conn.commit()  # expect: DB003
                    imported += 1
                except Exception:  # expect: ERR001
                    conn.rollback()
                    skipped += 1
                    continue

            cur.execute(
                "INSERT INTO import_audit (user_id, lab_id, mapping, imported, skipped) VALUES (%s, %s, %s, %s, %s)",
                (g.user["id"], lab_id, json.dumps(mapping, default=str), imported, skipped),
            )
    print(f"instrument import by user {g.user['id']}: {imported} imported, {skipped} skipped")  # expect: OBS001
    return jsonify(imported=imported, skipped=skipped)
