"""Report requests from the customer portal and the back office."""
import io
import logging
import re
import threading

from flask import Blueprint, current_app, g, jsonify, request, send_file

from coldchain import db
from coldchain.access import customer_scope, operator_required
from coldchain.report_builder import build_temperature_report, s3_client

logger = logging.getLogger(__name__)

bp = Blueprint("reports", __name__, url_prefix="/reports")

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _run_report(app, job_id, customer_id, month):
    with app.app_context():
        config = app.extensions["coldchain_config"]
        try:
            key = build_temperature_report(config, customer_id, month)
        except Exception:
            logger.exception("report job %s failed", job_id)
            with db.transaction() as conn:
                conn.execute("UPDATE report_jobs SET status = 'failed' WHERE id = %s", (job_id,))
            return
        with db.transaction() as conn:
            conn.execute(
                "UPDATE report_jobs SET status = 'done', s3_key = %s, finished_at = now() WHERE id = %s",
                (key, job_id),
            )


@bp.post("")
@operator_required
def request_report():
    body = request.get_json(silent=True) or {}
    month = str(body.get("month", ""))
    if not MONTH.match(month):
        return jsonify(error="month must look like 2024-05"), 400
    customer_id = customer_scope() or body.get("customer_id")
    if not isinstance(customer_id, int):
        return jsonify(error="customer_id is required"), 400

    with db.transaction() as conn:
        job = conn.execute(
            "INSERT INTO report_jobs (customer_id, kind, month, status, requested_by) "
            "VALUES (%s, 'temperature_log', %s, 'running', %s) RETURNING id",
            (customer_id, month, g.operator["sub"]),
        ).fetchone()

    app = current_app._get_current_object()
    worker = threading.Thread(target=_run_report, args=(app, job["id"], customer_id, month), daemon=True)
    worker.start()  # expect: CON003, REL005
    logger.info("report job %s started for customer %s month %s", job["id"], customer_id, month)
    return jsonify(id=job["id"], status="running"), 202


@bp.get("/<int:job_id>")
@operator_required
def report_status(job_id):
    scope = customer_scope()
    with db.read_only() as conn:
        job = conn.execute(
            "SELECT id, kind, month, status, finished_at FROM report_jobs "
            "WHERE id = %s AND (%s::int IS NULL OR customer_id = %s)",  # ok: SEC018
            (job_id, scope, scope),
        ).fetchone()
    if job is None:
        return jsonify(error="not_found"), 404
    return jsonify({**job, "finished_at": job["finished_at"].isoformat() if job["finished_at"] else None})


@bp.get("/<int:job_id>/download")
@operator_required
def download_report(job_id):
    with db.read_only() as conn:
        job = conn.execute("SELECT s3_key, month, status FROM report_jobs WHERE id = %s", (job_id,)).fetchone()  # expect: SEC018
    if job is None or job["status"] != "done":
        return jsonify(error="not_ready"), 404
    config = current_app.extensions["coldchain_config"]
    obj = s3_client(config.aws_region).get_object(Bucket=config.s3_bucket, Key=job["s3_key"])
    data = obj["Body"].read()  # expect: RES003
    return send_file(io.BytesIO(data), mimetype="text/csv", as_attachment=True,
                     download_name=f"temperature-{job['month']}.csv")
