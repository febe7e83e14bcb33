"""Police holds: photos of suspect material, stored in the evidence bucket."""
from __future__ import annotations

import logging
import uuid

import requests
from flask import Blueprint, g, jsonify, request
from werkzeug.utils import secure_filename

from buyback.auth import staff_required
from buyback.config import settings
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("compliance", __name__, url_prefix="/holds")

MAX_PHOTO_BYTES = 6 * 1024 * 1024
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


def _sniff(head: bytes) -> str | None:
    return next((mime for mime, magic in _MAGIC.items() if head.startswith(magic)), None)


def _presign_upload(key: str, mime: str) -> str:
    resp = requests.post(
        f"{settings.compliance_api_url}/evidence/presign",
        json={"key": key, "content_type": mime},
        timeout=(3, 10),
    )
    resp.raise_for_status()
    return resp.json()["url"]


@bp.post("/<int:hold_id>/photos")
@staff_required()
def add_hold_photo(hold_id: int):
    photo = request.files.get("photo")
    if photo is None:
        return jsonify(error="photo is required"), 400
    if request.content_length is None or request.content_length > MAX_PHOTO_BYTES:  # ok: SEC019
        return jsonify(error="photo too large"), 413
    mime = _sniff(photo.stream.read(8))
    photo.stream.seek(0)
    if mime is None:
        return jsonify(error="only JPEG or PNG photos"), 415

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, case_number FROM police_holds WHERE id = %s AND released_at IS NULL",
            (hold_id,),
        )
        hold = cur.fetchone()
    if hold is None:
        return jsonify(error="hold not found or released"), 404

    name = secure_filename(photo.filename or "") or "photo"  # ok: SEC015
    key = f"holds/{hold_id}/{uuid.uuid4().hex}-{name}"
    try:
        url = _presign_upload(key, mime)
        put = requests.put(url, data=photo.stream, headers={"Content-Type": mime}, timeout=(3, 30))  # ok: SCL002
        put.raise_for_status()
    except requests.RequestException:
        log.exception("evidence upload failed for hold %s", hold_id)
        return jsonify(error="evidence store unavailable, try again"), 503

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO hold_photos (hold_id, object_key, content_type, taken_by)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (hold_id, key, mime, g.staff_id),
        )
        photo_id = cur.fetchone()["id"]
        conn.commit()
    log.info(
        "hold %s (case %s) photo %s stored by staff %s",
        hold_id,
        hold["case_number"],
        photo_id,
        g.staff_id,
    )
    return jsonify(id=photo_id, key=key), 201
