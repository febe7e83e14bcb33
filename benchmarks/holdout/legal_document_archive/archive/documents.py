"""Document versions: upload a new version, list versions, download one."""
import hashlib
import io
import logging

from flask import Blueprint, abort, current_app, jsonify, redirect, request
from flask_login import current_user, login_required

from archive import storage
from archive.db import get_conn, record_audit, user_can_access_matter
from archive.ocr_jobs import run_ocr
from archive.thumbnails import render_thumbnail

logger = logging.getLogger(__name__)
bp = Blueprint("documents", __name__)

ALLOWED_TYPES = {
    "application/pdf",
    "image/tiff",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.post("/matters/<int:matter_id>/documents/<int:document_id>/versions")
@login_required
def upload_version(matter_id: int, document_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return jsonify(error="file is required"), 400
    if upload.mimetype not in ALLOWED_TYPES:
        return jsonify(error="unsupported file type"), 415
    ocr_language = request.form.get("ocr_language", "eng")

    data = upload.read()  # expect: SEC019
    checksum = hashlib.sha256(data).hexdigest()

    with get_conn() as conn, conn.cursor() as cur:
        if not user_can_access_matter(cur, current_user.id, matter_id):
            abort(403)
        cur.execute("SELECT id FROM documents WHERE id = %s AND matter_id = %s", (document_id, matter_id))
        if cur.fetchone() is None:
            abort(404)
        cur.execute(
            "SELECT COALESCE(MAX(version), 0) AS latest FROM document_versions WHERE document_id = %s",
            (document_id,),
        )
        next_version = cur.fetchone()["latest"] + 1
        key = storage.version_key(matter_id, document_id, next_version)
        cur.execute(  # expect: DB005
            """
            INSERT INTO document_versions
                (document_id, version, s3_key, original_filename, mime_type, size_bytes,
                 sha256, ocr_language, ocr_status, uploaded_by, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s, now())
            RETURNING id
            """,
            (document_id, next_version, key, upload.filename, upload.mimetype, len(data),
             checksum, ocr_language, current_user.id),
        )
        version_id = cur.fetchone()["id"]
        record_audit(cur, current_user.id, "upload", "version", version_id, version=next_version, sha256=checksum)
        conn.commit()

    storage.upload_stream(io.BytesIO(data), key, upload.mimetype)  # expect: REL004
    run_ocr.delay(version_id)
    render_thumbnail.delay(version_id)
    logger.info("document %s version %s uploaded by user %s", document_id, next_version, current_user.id)
    return jsonify(id=version_id, version=next_version, sha256=checksum), 201


@bp.get("/matters/<int:matter_id>/documents/<int:document_id>/versions")
@login_required
def list_versions(matter_id: int, document_id: int):
    with get_conn() as conn, conn.cursor() as cur:
        if not user_can_access_matter(cur, current_user.id, matter_id):
            abort(403)
        cur.execute(
            """
            SELECT v.id, v.version, v.original_filename, v.size_bytes, v.ocr_status, v.created_at
            FROM document_versions v JOIN documents d ON d.id = v.document_id
            WHERE v.document_id = %s AND d.matter_id = %s
            ORDER BY v.version DESC
            """,
            (document_id, matter_id),
        )
        versions = cur.fetchall()  # ok: DB002
    return jsonify(versions=versions)


@bp.get("/documents/<int:document_id>/versions/<int:version>/download")
@login_required
def download_version(document_id: int, version: int):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT v.id, v.s3_key, v.original_filename, d.matter_id
            FROM document_versions v JOIN documents d ON d.id = v.document_id
            WHERE v.document_id = %s AND v.version = %s
            """,
            (document_id, version),
        )
        row = cur.fetchone()
        if row is None:
            abort(404)
        record_audit(cur, current_user.id, "download", "version", row["id"], matter_id=row["matter_id"])
        conn.commit()
    ttl = current_app.config["DOWNLOAD_URL_TTL_SECONDS"]
    url = storage.presigned_download(row["s3_key"], row["original_filename"], expires_in=ttl)  # todo-expect: SEC018
    return redirect(url)
