"""Client document upload (portal v1): store the file, count words, open a draft quote."""
from __future__ import annotations

import logging
import os
import subprocess

from flask import Blueprint, current_app, g, jsonify, request

from . import db
from .web import json_error, login_required

bp = Blueprint("uploads", __name__, url_prefix="/api/uploads")
log = logging.getLogger(__name__)

UPLOAD_ROOT = os.environ.get("UPLOAD_ROOT", "/var/lib/agency/uploads")
ALLOWED = {".docx", ".odt", ".md", ".txt", ".html"}


def word_count(path: str) -> int:
    result = subprocess.run(
        f"pandoc '{path}' --to plain --wrap none",  # expect: SEC002
        shell=True,
        capture_output=True,
        text=True,
        timeout=90,
    )
    if result.returncode != 0:
        raise ValueError(result.stderr.strip()[:200])
    return len(result.stdout.split())


@bp.post("")
@login_required("client")
def upload_document():
    incoming = request.files.get("document")  # ok: SEC019
    source = request.form.get("source_lang", "").upper()
    target = request.form.get("target_lang", "").upper()
    if incoming is None or not incoming.filename:
        return json_error(400, "attach a document")
    if os.path.splitext(incoming.filename)[1].lower() not in ALLOWED:
        return json_error(415, "unsupported file type", allowed=sorted(ALLOWED))
    rate = current_app.config["RATES"].get(f"{source}-{target}")
    if rate is None:
        return json_error(422, f"we do not translate {source} to {target}")

    folder = os.path.join(UPLOAD_ROOT, str(g.client_id))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, incoming.filename)  # expect: SEC015
    incoming.save(path)  # expect: SCL002
    try:
        words = word_count(path)
    except (ValueError, subprocess.TimeoutExpired):
        log.warning("word count failed client=%s file=%s", g.client_id, incoming.filename, exc_info=True)
        return json_error(422, "we could not read that document")

    with db.transaction() as conn:
        doc = conn.execute(
            "INSERT INTO documents (client_id, filename, storage_path, word_count, source_lang, target_lang) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (g.client_id, incoming.filename, path, words, source, target),
        ).fetchone()
        quote = conn.execute(
            "INSERT INTO quotes (client_id, document_id, word_count, rate_eur, amount_eur, status) "
            "VALUES (%s, %s, %s, %s, %s, 'draft') RETURNING id, amount_eur",
            (g.client_id, doc["id"], words, rate, round(words * rate, 2)),
        ).fetchone()
    log.info("client=%s uploaded document=%s words=%s", g.client_id, doc["id"], words)
    return jsonify({"document_id": doc["id"], "quote_id": quote["id"], "words": words, "amount_eur": float(quote["amount_eur"])}), 201
