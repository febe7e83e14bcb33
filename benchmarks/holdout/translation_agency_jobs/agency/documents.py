"""Client documents (portal v2): upload to the shared document volume, download deliveries."""
from __future__ import annotations

import logging
import os
import subprocess
import uuid
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from werkzeug.utils import secure_filename

from . import db
from .web import json_error, login_required

bp = Blueprint("documents", __name__, url_prefix="/api/v2/documents")
log = logging.getLogger(__name__)

# ReadWriteMany volume shared by all web and worker pods (see k8s/deployment.yaml)
DOCS_ROOT = Path(os.environ.get("DOCS_ROOT", "/mnt/agency-docs"))
ALLOWED = {".docx", ".odt", ".md", ".txt", ".html"}


def count_words(path: Path) -> int:
    result = subprocess.run(
        ["pandoc", str(path), "--to", "plain", "--wrap", "none"],  # ok: SEC002
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return len(result.stdout.split())


@bp.post("")
@login_required("client")
def upload():
    incoming = request.files.get("document")
    if incoming is None or not incoming.filename:
        return json_error(400, "attach a document")
    original = secure_filename(incoming.filename) or "document"
    ext = Path(original).suffix.lower()
    if ext not in ALLOWED:
        return json_error(415, "unsupported file type", allowed=sorted(ALLOWED))
    source = request.form.get("source_lang", "").upper()
    target = request.form.get("target_lang", "").upper()
    rate = current_app.config["RATES"].get(f"{source}-{target}")
    if rate is None:
        return json_error(422, f"we do not translate {source} to {target}")

    stored = DOCS_ROOT / "incoming" / f"{uuid.uuid4().hex}{ext}"
    incoming.save(stored)  # ok: SEC015, SCL002
    try:
        words = count_words(stored)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        stored.unlink(missing_ok=True)
        log.warning("word count failed client=%s", g.client_id, exc_info=True)
        return json_error(422, "we could not read that document")

    with db.transaction() as conn:
        doc = conn.execute(
            "INSERT INTO documents (client_id, filename, storage_path, word_count, source_lang, target_lang) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (g.client_id, original, str(stored), words, source, target),
        ).fetchone()
        quote = conn.execute(
            "INSERT INTO quotes (client_id, document_id, word_count, rate_eur, amount_eur, status) "
            "VALUES (%s, %s, %s, %s, %s, 'draft') RETURNING id",
            (g.client_id, doc["id"], words, rate, round(words * rate, 2)),
        ).fetchone()
    return jsonify({"document_id": doc["id"], "quote_id": quote["id"], "words": words}), 201


@bp.get("/deliveries/<int:delivery_id>")
@login_required("client")
def download_delivery(delivery_id: int):
    row = db.fetch_one(
        "SELECT d.storage_path, d.download_name FROM deliveries d "
        "JOIN jobs j ON j.id = d.job_id WHERE d.id = %s AND j.client_id = %s",  # ok: SEC018
        (delivery_id, g.client_id),
    )
    if row is None:
        return json_error(404, "delivery not found")
    path = Path(row["storage_path"]).resolve()
    if not path.is_relative_to(DOCS_ROOT.resolve()) or not path.is_file():
        log.error("delivery=%s has a storage path outside the document volume", delivery_id)
        return json_error(404, "delivery not found")
    db.fetch_one("UPDATE deliveries SET downloaded_at = now() WHERE id = %s RETURNING id", (delivery_id,))
    return send_file(path, as_attachment=True, download_name=row["download_name"])  # ok: SEC015
