"""Student projects: a title, a visibility flag, a cover image and the photos under it."""
import logging
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, current_app, g, jsonify, request, session

from .auth import login_required
from .db import connection, page_args

log = logging.getLogger(__name__)
bp = Blueprint("projects", __name__, url_prefix="/projects")

COVER_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
PHOTOS_PER_PROJECT_PAGE = 48

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


def _signed(key, expires=600):
    return _s3.generate_presigned_url(
        "get_object", Params={"Bucket": current_app.config["PHOTO_BUCKET"], "Key": key}, ExpiresIn=expires
    )


@bp.get("/mine")
@login_required
def my_projects():
    page, per_page, offset = page_args(request.args)
    with connection() as conn:
        rows = conn.execute(  # ok: DB001, DB002
            "SELECT p.id, p.title, p.visibility, p.cover_key, count(ph.id) AS photo_count "
            "FROM projects p LEFT JOIN project_photos ph ON ph.project_id = p.id "
            "WHERE p.student_id = %s GROUP BY p.id ORDER BY p.created_at DESC LIMIT %s OFFSET %s",
            (g.student_id, per_page, offset),
        ).fetchall()
    return jsonify(page=page, projects=[
        dict(r, cover_url=_signed(r["cover_key"]) if r["cover_key"] else None) for r in rows
    ])


@bp.get("/<int:project_id>/photos")
def project_photos(project_id):
    viewer = session.get("student_id")
    with connection() as conn:
        project = conn.execute(
            "SELECT id, title FROM projects WHERE id = %s AND (visibility = 'public' OR student_id = %s)",
            (project_id, viewer),
        ).fetchone()
        if project is None:
            return jsonify(error="not_found"), 404
        photos = conn.execute(
            "SELECT id, s3_key, caption, created_at FROM project_photos "
            "WHERE project_id = %s ORDER BY created_at LIMIT %s",
            (project_id, PHOTOS_PER_PROJECT_PAGE),
        ).fetchall()
    return jsonify(
        project=project,
        photos=[{"id": p["id"], "caption": p["caption"], "url": _signed(p["s3_key"])} for p in photos],  # ok: DB001
    )


@bp.put("/<int:project_id>/cover")
@login_required
def set_cover(project_id):
    upload = request.files.get("cover")
    if upload is None or upload.mimetype not in COVER_TYPES:
        return jsonify(error="expected a jpeg or png cover"), 400
    with connection() as conn:
        owned = conn.execute(
            "SELECT cover_key FROM projects WHERE id = %s AND student_id = %s", (project_id, g.student_id)
        ).fetchone()
    if owned is None:
        return jsonify(error="not_found"), 404

    key = f"covers/{project_id}/{uuid.uuid4().hex}.{COVER_TYPES[upload.mimetype]}"
    _s3.upload_fileobj(  # ok: SEC019, SCL002
        upload.stream, current_app.config["PHOTO_BUCKET"], key, ExtraArgs={"ContentType": upload.mimetype}
    )
    with connection() as conn:
        conn.execute(
            "UPDATE projects SET cover_key = %s, updated_at = now() WHERE id = %s AND student_id = %s",
            (key, project_id, g.student_id),
        )
    if owned["cover_key"]:
        _s3.delete_object(Bucket=current_app.config["PHOTO_BUCKET"], Key=owned["cover_key"])
    log.info("project %s cover replaced", project_id)
    return jsonify(cover_url=_signed(key))
