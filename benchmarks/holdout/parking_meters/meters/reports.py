import csv
import logging
import os
import subprocess
import tempfile
from datetime import datetime

import psycopg
from flask import Blueprint, jsonify, request, send_file

from .auth import role_required
from .db import DSN

logger = logging.getLogger(__name__)
bp = Blueprint("reports", __name__, url_prefix="/api/reports")

CONVERTER = os.environ.get("REPORT_CONVERTER", "/usr/local/bin/csv2xlsx")
HEADER = ["session_id", "zone_id", "district", "plate_hash", "starts_at", "ends_at", "minutes", "amount_cents"]


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    start = datetime.strptime(month, "%Y-%m")
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


@bp.post("/sessions-export")
@role_required("municipal", "supervisor")
def sessions_export():
    body = request.get_json(silent=True) or {}
    try:
        start, end = _month_bounds(str(body.get("month", "")))
    except ValueError:
        return jsonify(error="invalid_month"), 422
    title = str(body.get("title") or f"Parking sessions {start:%Y-%m}")

    conn = psycopg.connect(DSN, connect_timeout=5)  # expect: RES001
    cur = conn.execute(
        "SELECT s.id, s.zone_id, z.district, md5(s.plate), s.starts_at, s.ends_at, s.minutes_total,"
        " s.amount_cents FROM parking_sessions s JOIN zones z ON z.id = s.zone_id"
        " WHERE s.starts_at >= %s AND s.starts_at < %s ORDER BY s.starts_at",
        (start, end),
    )
    rows = cur.fetchall()  # expect: RES003
    conn.close()

    workdir = tempfile.TemporaryDirectory(prefix="report-")
    csv_path = os.path.join(workdir.name, f"sessions-{start:%Y-%m}.csv")
    xlsx_path = csv_path[:-4] + ".xlsx"
    with open(csv_path, "w", newline="") as fh:  # ok: SCL002
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)

    try:
        subprocess.run(f"{CONVERTER} {csv_path} {xlsx_path} --title '{title}'", shell=True, check=True, timeout=300)  # expect: SEC002
    except subprocess.CalledProcessError as exc:
        logger.error("report conversion failed: %s", exc)  # expect: OBS002
        workdir.cleanup()
        return jsonify(error="conversion_failed"), 500

    response = send_file(xlsx_path, as_attachment=True, download_name=os.path.basename(xlsx_path))
    response.call_on_close(workdir.cleanup)
    logger.info("sessions export %s rows=%d", start.strftime("%Y-%m"), len(rows))
    return response
