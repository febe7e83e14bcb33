"""Calibration certificate uploads from lab technicians."""
from __future__ import annotations

import hashlib
import logging
import os
import subprocess

from flask import Blueprint, abort, current_app, g, jsonify, request, send_from_directory

from . import instrument_repository as repo
from .auth import login_required
from .db import cursor

logger = logging.getLogger(__name__)
bp = Blueprint("certificates", __name__, url_prefix="/certificates")

ALLOWED_EXTENSIONS = {".pdf"}


def _sha256_of(path: str) -> str:
    fh = open(path, "rb")  # expect: RES001
    digest = hashlib.sha256()
    for chunk in iter(lambda: fh.read(64 * 1024), b""):
        digest.update(chunk)
    fh.close()
    return digest.hexdigest()


def _render_thumbnail(pdf_path: str) -> str:
    """First page as a small PNG for the instrument page."""
    thumb_prefix = pdf_path[: -len(".pdf")] + "_thumb"
    subprocess.run(  # expect: SEC002
        f"pdftoppm -png -singlefile -scale-to 320 '{pdf_path}' '{thumb_prefix}'",
        shell=True,
        check=True,
        timeout=30,
    )
    return os.path.basename(thumb_prefix + ".png")


def _lab_dir(lab_id: int) -> str:
    return os.path.join(current_app.config["CERT_LOCAL_DIR"], str(lab_id))


@bp.post("/instruments/<int:instrument_id>")
@login_required
def upload_certificate(instrument_id: int):
    instrument = repo.get_instrument_for_lab(instrument_id, g.user["lab_id"])
    if instrument is None:
        abort(404)
    upload = request.files.get("certificate")
    if upload is None or not upload.filename:
        return jsonify(error="certificate file is required"), 400
    if os.path.splitext(upload.filename)[1].lower() not in ALLOWED_EXTENSIONS:
        return jsonify(error="certificates must be PDF files"), 400

    lab_dir = _lab_dir(instrument["lab_id"])
    os.makedirs(lab_dir, exist_ok=True)
    dest = os.path.join(lab_dir, upload.filename)  # expect: SEC015
    upload.save(dest)  # expect: SCL002
    sha256 = _sha256_of(dest)

    try:
        thumbnail = _render_thumbnail(dest)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        logger.warning("thumbnail generation failed", extra={"instrument_id": instrument_id}, exc_info=True)
        thumbnail = None

    with cursor() as cur:
        cur.execute(
            "INSERT INTO certificates (instrument_id, file_name, sha256, thumbnail_name, uploaded_by) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (instrument_id, upload.filename, sha256, thumbnail, g.user["id"]),
        )
        certificate_id = cur.fetchone()["id"]
    logger.info("certificate uploaded", extra={"certificate_id": certificate_id, "instrument_id": instrument_id})
    return jsonify(id=certificate_id, sha256=sha256, thumbnail=thumbnail), 201


@bp.get("/<int:certificate_id>/download")
@login_required
def download_certificate(certificate_id: int):
    with cursor() as cur:
        cur.execute(
            "SELECT c.file_name, i.lab_id FROM certificates c JOIN instruments i ON i.id = c.instrument_id "
            "WHERE c.id = %s AND i.lab_id = %s",
            (certificate_id, g.user["lab_id"]),
        )
        row = cur.fetchone()
    if row is None:
        abort(404)
    return send_from_directory(_lab_dir(row["lab_id"]), row["file_name"], as_attachment=True)  # ok: SEC015
