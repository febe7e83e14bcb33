"""Document routes: upload drafts, list and search them, download originals."""
import hashlib
import logging
import os
import uuid

from flask import Blueprint, current_app, g, jsonify, request, send_from_directory
from sqlalchemy import insert, select

from .auth import login_required
from .db import documents, get_engine

logger = logging.getLogger(__name__)
bp = Blueprint("documents", __name__, url_prefix="/documents")

PDF_MAGIC = b"%PDF-"
PAGE_SIZE_MAX = 100


def _as_json(row) -> dict:
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "status": row["status"],
        "pending_signers": row["pending_signers"],
        "created_at": row["created_at"].isoformat() if row["created_at"] else None,
    }


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@bp.post("")
@login_required
def upload_document():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return jsonify({"error": "a PDF file is required"}), 400
    if upload.stream.read(len(PDF_MAGIC)) != PDF_MAGIC:
        return jsonify({"error": "only PDF documents are accepted"}), 415
    upload.stream.seek(0)

    document_id = uuid.uuid4()
    owner_dir = os.path.join(current_app.config["UPLOAD_DIR"], str(g.user_id))
    os.makedirs(owner_dir, exist_ok=True)
    path = os.path.join(owner_dir, upload.filename)  # expect: SEC015
    upload.save(path)  # expect: SCL002

    title = (request.form.get("title") or upload.filename)[:300]
    with get_engine().begin() as conn:
        conn.execute(
            insert(documents).values(
                id=document_id,
                org_id=g.org_id,
                owner_id=g.user_id,
                title=title,
                storage_key=path,
                sha256=_sha256_of(path),
                status="draft",
            )
        )
    logger.info("document %s uploaded by user %s", document_id, g.user_id)
    return jsonify({"id": str(document_id), "title": title}), 201


@bp.get("")
@login_required
def list_documents():
    limit = min(request.args.get("limit", 20, type=int), PAGE_SIZE_MAX)
    offset = max(request.args.get("offset", 0, type=int), 0)
    stmt = (
        select(documents)
        .where(documents.c.org_id == g.org_id)
        .order_by(documents.c.created_at.desc())
        .limit(limit)  # ok: DB002
        .offset(offset)
    )
    with get_engine().connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return jsonify({"items": [_as_json(r) for r in rows], "limit": limit, "offset": offset})


@bp.get("/search")
@login_required
def search_documents():
    term = (request.args.get("q") or "").strip()
    if len(term) < 2:
        return jsonify({"error": "search term must have at least two characters"}), 400
    pattern = f"%{term}%"  # ok: SEC001
    stmt = (
        select(documents)
        .where(documents.c.org_id == g.org_id, documents.c.title.ilike(pattern))  # expect: DB006
        .order_by(documents.c.created_at.desc())
        .limit(PAGE_SIZE_MAX)
    )
    with get_engine().connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return jsonify({"items": [_as_json(r) for r in rows]})


@bp.get("/<uuid:document_id>/original")
@login_required
def download_original(document_id):
    with get_engine().connect() as conn:
        row = conn.execute(select(documents).where(documents.c.id == document_id)).mappings().first()  # todo-expect: SEC018
    if row is None:
        return jsonify({"error": "document not found"}), 404
    directory, filename = os.path.split(row["storage_key"])
    return send_from_directory(directory, filename, as_attachment=True, mimetype="application/pdf")  # ok: SEC015
