import logging
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, g, jsonify, request

from clinic.auth import require_auth
from clinic.db import pool
from clinic.settings import settings

bp = Blueprint("lab_results", __name__, url_prefix="/api")
logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
LINK_SECONDS = 300

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),  # ok: REL001
)


@bp.post("/patients/<int:patient_id>/lab-results")
@require_auth("staff")
def upload_lab_result(patient_id: int):
    if request.content_length is None or request.content_length > MAX_BYTES:  # ok: SEC019
        return jsonify(error="lab result must be a PDF of at most 10 MB"), 413
    upload = request.files.get("result")
    if upload is None or upload.mimetype != "application/pdf":
        return jsonify(error="lab result must be a PDF"), 415
    if upload.stream.read(5) != b"%PDF-":
        return jsonify(error="lab result must be a PDF"), 415
    upload.stream.seek(0)

    key = f"lab-results/{patient_id}/{uuid.uuid4()}.pdf"  # ok: SEC015
    _s3.upload_fileobj(  # ok: SCL002
        upload.stream,
        settings.records_bucket,
        key,
        ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "aws:kms"},
    )
    with pool.connection() as conn:
        result_id = conn.execute(
            "INSERT INTO lab_results (patient_id, s3_key, uploaded_by) VALUES (%s, %s, %s) RETURNING id",
            (patient_id, key, g.user_id),
        ).fetchone()[0]
    logger.info("lab result stored result_id=%s patient_id=%s staff_id=%s", result_id, patient_id, g.user_id)
    return jsonify(id=result_id), 201


@bp.get("/lab-results/<int:result_id>")
@require_auth("patient", "staff")
def lab_result_link(result_id: int):
    with pool.connection() as conn:
        row = conn.execute("SELECT patient_id, s3_key FROM lab_results WHERE id = %s", (result_id,)).fetchone()
    if row is None or (g.role == "patient" and row[0] != g.user_id):  # ok: SEC018
        return jsonify(error="lab result not found"), 404
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.records_bucket, "Key": row[1]},
        ExpiresIn=LINK_SECONDS,
    )
    logger.info("lab result link issued result_id=%s user_id=%s role=%s", result_id, g.user_id, g.role)
    return jsonify(url=url, expires_in=LINK_SECONDS)
