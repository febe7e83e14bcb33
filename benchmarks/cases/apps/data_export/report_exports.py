"""On-demand CSV exports of the shipment ledger and statement reconciliation for the finance team."""

import csv
import logging
import os
from datetime import datetime

from flask import Blueprint, jsonify, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import bindparam, create_engine, text

bp = Blueprint("exports", __name__, url_prefix="/exports")
logger = logging.getLogger(__name__)

REPORTS_DB_URL = "postgresql+psycopg2://reporter:R3p0rt1ng-2024@reports-db.internal:5432/ledger"  # expect: SEC005
EXPORT_DIR = "/srv/exports"
engine = create_engine(REPORTS_DB_URL, pool_pre_ping=True, connect_args={"connect_timeout": 5})


@bp.post("/ledger")
@login_required
def export_ledger():
    name = request.form.get("name") or f"ledger-{datetime.utcnow():%Y%m%d%H%M%S}"
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM shipment_ledger ORDER BY booked_at")).fetchall()  # expect: DB002
    path = os.path.join(EXPORT_DIR, f"{name}.csv")  # expect: SEC015
    with open(path, "w", newline="") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(rows[0]._fields if rows else [])
        writer.writerows(rows)
    command = f"gzip -f {path}"
    os.system(command)  # expect: SEC002
    logger.info("ledger export %s with %d rows written for user %s", name, len(rows), current_user.id)
    return jsonify(file=f"{name}.csv.gz", rows=len(rows)), 201


@bp.get("/download")
@login_required
def download_export():
    filename = request.args["file"]
    return send_file(os.path.join(EXPORT_DIR, filename), as_attachment=True)  # expect: SEC015


@bp.post("/reconcile")
@login_required
def reconcile_statement():
    content = request.files["statement"].read().decode("utf-8")  # todo-expect: RES003, SEC019
    references = [line.split(";")[0].strip() for line in content.splitlines()[1:] if line.strip()]
    query = text("SELECT reference FROM shipment_ledger WHERE reference IN :refs").bindparams(
        bindparam("refs", expanding=True)
    )
    with engine.connect() as conn:
        known = {row.reference for row in conn.execute(query, {"refs": references})}  # ok: DB001
    missing = [ref for ref in references if ref not in known]
    return jsonify(checked=len(references), missing=missing[:500])
