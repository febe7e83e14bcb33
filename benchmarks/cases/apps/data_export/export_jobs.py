"""Queued CSV exports of the shipment ledger, streamed to object storage and handed out as signed links."""

import csv
import gzip
import io
import logging
import tempfile
import uuid

import boto3
from botocore.config import Config
from celery import shared_task
from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required
from sqlalchemy import text

from .models import ExportJob, db

bp = Blueprint("export_jobs", __name__, url_prefix="/exports")
logger = logging.getLogger(__name__)

EXPORT_BUCKET = "finance-exports"
LEDGER_COLUMNS = ("reference", "booked_at", "origin", "destination", "weight_kg", "amount_eur")
s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 3}))


@bp.post("/ledger")
@login_required
def request_ledger_export():
    job = ExportJob(id=str(uuid.uuid4()), requested_by=current_user.id, status="queued")
    db.session.add(job)
    db.session.commit()
    build_ledger_export.delay(job.id)
    logger.info("ledger export job %s queued for user %s", job.id, current_user.id)
    return jsonify(job_id=job.id, status=job.status), 202


@bp.get("/<job_id>")
@login_required
def export_status(job_id: str):
    job = ExportJob.query.filter_by(id=job_id, requested_by=current_user.id).first()
    if job is None:
        abort(404)
    body = {"job_id": job.id, "status": job.status}
    if job.status == "done":
        body["url"] = s3.generate_presigned_url(
            "get_object", Params={"Bucket": EXPORT_BUCKET, "Key": job.object_key}, ExpiresIn=900
        )
    return jsonify(body)


@shared_task(acks_late=True, max_retries=2)
def build_ledger_export(job_id: str) -> str:
    key = f"ledger/{job_id}.csv.gz"
    columns = ", ".join(LEDGER_COLUMNS)
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:  # ok: RES001
        with gzip.GzipFile(fileobj=spool, mode="wb") as gz, io.TextIOWrapper(gz, encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(LEDGER_COLUMNS)
            with db.engines["reports"].connect().execution_options(stream_results=True, yield_per=5000) as conn:
                for row in conn.execute(text(f"SELECT {columns} FROM shipment_ledger ORDER BY booked_at")):  # ok: SEC001
                    writer.writerow(row)
        spool.seek(0)
        s3.upload_fileobj(spool, EXPORT_BUCKET, key, ExtraArgs={"ContentType": "application/gzip"})
    ExportJob.query.filter_by(id=job_id).update({"status": "done", "object_key": key})
    db.session.commit()
    logger.info("ledger export job %s uploaded to s3://%s/%s", job_id, EXPORT_BUCKET, key)
    return key
