"""Accounting exports of a payroll run (CSV for the general ledger)."""
import csv
import logging
import os
import threading
import uuid
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, send_from_directory

from . import db
from .app import current_user, role_required

logger = logging.getLogger(__name__)
bp = Blueprint("exports", __name__)

EXPORT_DIR = os.environ.get("PAYROLL_EXPORT_DIR", "/var/lib/payroll/exports")
LEDGER_COLUMNS = ["employee_number", "cost_center", "gross", "tax", "pension", "net", "currency"]

_jobs = {}


def _ledger_rows(run_id):
    sql = (
        "SELECT e.employee_number, e.cost_center, p.gross_cents, p.tax_cents, "
        "p.pension_cents, p.net_cents, p.currency "
        "FROM payslips p JOIN employees e ON e.id = p.employee_id "
        "WHERE p.run_id = %s ORDER BY e.employee_number"
    )
    for row in db.stream(sql, (run_id,)):
        yield [
            row["employee_number"],
            row["cost_center"] or "",
            f"{row['gross_cents'] / 100:.2f}",
            f"{row['tax_cents'] / 100:.2f}",
            f"{row['pension_cents'] / 100:.2f}",
            f"{row['net_cents'] / 100:.2f}",
            row["currency"],
        ]


def _build_export(job_id, run_id):
    path = os.path.join(EXPORT_DIR, f"{job_id}.csv")
    try:
        count = 0
        with open(path, "w", newline="", encoding="utf-8") as fh:  # expect: SCL002
            writer = csv.writer(fh)
            writer.writerow(LEDGER_COLUMNS)
            for row in _ledger_rows(run_id):
                writer.writerow(row)
                count += 1
        _jobs[job_id].update(status="done", rows=count, file=f"{job_id}.csv")
        logger.info("export %s for run %s finished with %d rows", job_id, run_id, count)
    except Exception:
        logger.exception("export %s for run %s failed", job_id, run_id)
        _jobs[job_id]["status"] = "failed"


@bp.post("/runs/<uuid:run_id>")
@role_required("payroll_admin")
def start_export(run_id):
    company_id = current_user()["company_id"]
    with db.cursor() as cur:
        cur.execute(
            "SELECT id FROM payroll_runs WHERE id = %s AND company_id = %s",
            (str(run_id), company_id),
        )
        if cur.fetchone() is None:
            abort(404)

    job_id = uuid.uuid4().hex
    _jobs[job_id] = {  # expect: CON002, SCL001, RES002
        "status": "running",
        "run_id": str(run_id),
        "company_id": company_id,
        "started_at": datetime.now(timezone.utc).isoformat(),
    }
    worker = threading.Thread(target=_build_export, args=(job_id, str(run_id)), daemon=True)
    worker.start()  # expect: CON003, REL005
    return jsonify({"job_id": job_id, "status": "running"}), 202


@bp.get("/jobs/<job_id>")
@role_required("payroll_admin")
def export_status(job_id):
    job = _jobs.get(job_id)
    if job is None or job["company_id"] != current_user()["company_id"]:
        abort(404)
    return jsonify({"job_id": job_id, **job})


@bp.get("/jobs/<job_id>/download")
@role_required("payroll_admin")
def download_export(job_id):
    job = _jobs.get(job_id)
    if job is None or job["company_id"] != current_user()["company_id"]:
        abort(404)
    if job["status"] != "done":
        return jsonify({"error": "not_ready", "status": job["status"]}), 409
    current_app.logger.info("export %s downloaded", job_id)
    return send_from_directory(EXPORT_DIR, job["file"], as_attachment=True)  # ok: SEC015
