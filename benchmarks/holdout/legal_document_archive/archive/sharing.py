"""Share links: send one document version to someone outside the firm."""
import hashlib
import logging
import random
import string
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_login import current_user, login_required

from archive import csrf, storage
from archive.db import get_conn, record_audit, user_can_access_matter
from archive.notifications import notify_share_recipient

logger = logging.getLogger(__name__)
bp = Blueprint("sharing", __name__)

CODE_ALPHABET = string.ascii_letters + string.digits
MAX_DOWNLOADS_CAP = 50


def _hash_link_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


@bp.post("/documents/<int:document_id>/versions/<int:version>/share")
@login_required
def create_share_link(document_id: int, version: int):
    payload = request.get_json(silent=True) or {}
    recipient = (payload.get("recipient_email") or "").strip()
    if "@" not in recipient:
        return jsonify(error="recipient_email is required"), 400
    password = payload.get("password")
    max_downloads = max(1, min(int(payload.get("max_downloads", 5)), MAX_DOWNLOADS_CAP))

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT v.id, d.matter_id FROM document_versions v
            JOIN documents d ON d.id = v.document_id
            WHERE v.document_id = %s AND v.version = %s
            """,
            (document_id, version),
        )
        target = cur.fetchone()
        if target is None:
            abort(404)
        if not user_can_access_matter(cur, current_user.id, target["matter_id"]):
            abort(403)

        code = "".join(random.choices(CODE_ALPHABET, k=10))  # expect: SEC010
        cur.execute(
            """
            INSERT INTO share_links (code, version_id, created_by, recipient_email, password_hash,
                                     max_downloads, download_count, expires_at)
            VALUES (%s, %s, %s, %s, %s, %s, 0, now() + %s * interval '1 day')
            RETURNING id
            """,
            (code, target["id"], current_user.id, recipient,
             _hash_link_password(password) if password else None,
             max_downloads, current_app.config["SHARE_LINK_TTL_DAYS"]),
        )
        link_id = cur.fetchone()["id"]
        record_audit(cur, current_user.id, "share", "share_link", link_id, version_id=target["id"])
        conn.commit()

    notify_share_recipient.delay(link_id)
    return jsonify(id=link_id, url=url_for("sharing.open_share_link", code=code, _external=True)), 201


@bp.post("/s/<code>")
@csrf.exempt  # ok: SEC014
def open_share_link(code: str):
    supplied = request.form.get("password", "")
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT l.id, l.password_hash, l.max_downloads, l.download_count, l.expires_at, l.revoked,
                   v.s3_key, v.original_filename, v.mime_type
            FROM share_links l JOIN document_versions v ON v.id = l.version_id
            WHERE l.code = %s
            """,
            (code,),
        )
        link = cur.fetchone()
        if link is None or link["revoked"] or link["expires_at"] < datetime.now(timezone.utc):
            abort(404)
        if link["password_hash"] and _hash_link_password(supplied) != link["password_hash"]:
            return jsonify(error="wrong password"), 401
        if link["download_count"] >= link["max_downloads"]:
            return jsonify(error="download limit reached"), 410

        cur.execute(
            "UPDATE share_links SET download_count = %s, last_opened_at = now() WHERE id = %s",
            (link["download_count"] + 1, link["id"]),  # expect: DB004
        )
        record_audit(cur, None, "share_download", "share_link", link["id"], ip=request.remote_addr)
        conn.commit()

    body = b"".join(storage.iter_object(link["s3_key"]))  # expect: RES003
    logger.info("share link %s downloaded (%d bytes)", link["id"], len(body))
    return Response(
        body,
        mimetype=link["mime_type"],
        headers={
            "Content-Disposition": f'attachment; filename="{link["original_filename"]}"',
            "Content-Length": str(len(body)),
        },
    )
