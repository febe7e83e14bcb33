"""Progress photos of student pieces: originals in S3, small previews for the gallery wall."""
import logging
import os
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, current_app, g, jsonify, redirect, request, send_file
from PIL import Image, UnidentifiedImageError

from .auth import login_required
from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("photos", __name__, url_prefix="/photos")

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PREVIEW_SIZE = (480, 480)

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


def _render_preview(stream):
    image = Image.open(stream)
    image.thumbnail(PREVIEW_SIZE)
    return image.convert("RGB")


@bp.post("/")
@login_required
def upload_photo():
    upload = request.files.get("photo")
    project_id = request.form.get("project_id", type=int)
    if upload is None or upload.mimetype not in ALLOWED_TYPES or project_id is None:
        return jsonify(error="expected a jpeg, png or webp photo and a project_id"), 400

    with connection() as conn:
        owns = conn.execute(
            "SELECT 1 FROM projects WHERE id = %s AND student_id = %s", (project_id, g.student_id)
        ).fetchone()
    if owns is None:
        return jsonify(error="not_found"), 404

    try:
        preview = _render_preview(upload.stream)
    except UnidentifiedImageError:
        return jsonify(error="not_an_image"), 400
    preview_name = f"{uuid.uuid4().hex}.jpg"
    preview.save(os.path.join(current_app.config["PREVIEW_DIR"], preview_name), "JPEG", quality=82)  # expect: SCL002

    key = f"projects/{project_id}/{uuid.uuid4().hex}.{ALLOWED_TYPES[upload.mimetype]}"
    upload.stream.seek(0)
    _s3.upload_fileobj(
        upload.stream, current_app.config["PHOTO_BUCKET"], key, ExtraArgs={"ContentType": upload.mimetype}
    )
    with connection() as conn:
        photo = conn.execute(
            "INSERT INTO project_photos (project_id, s3_key, preview_name, caption) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            (project_id, key, preview_name, (request.form.get("caption") or "")[:280]),
        ).fetchone()
    log.info("photo %s uploaded to project %s", photo["id"], project_id)
    return jsonify(id=photo["id"], preview=preview_name), 201


@bp.get("/preview")
def preview():
    name = request.args.get("name", "")
    return send_file(os.path.join(current_app.config["PREVIEW_DIR"], name), mimetype="image/jpeg")  # expect: SEC015


@bp.get("/<int:photo_id>/original")
@login_required
def original(photo_id):
    with connection() as conn:
        photo = conn.execute("SELECT s3_key FROM project_photos WHERE id = %s", (photo_id,)).fetchone()  # expect: SEC018
    if photo is None:
        return jsonify(error="not_found"), 404
    url = _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["PHOTO_BUCKET"], "Key": photo["s3_key"]},
        ExpiresIn=300,
    )
    return redirect(url)


@bp.delete("/<int:photo_id>")
@login_required
def delete_photo(photo_id):
    with connection() as conn:
        photo = conn.execute(
            "DELETE FROM project_photos ph USING projects p "
            "WHERE ph.project_id = p.id AND ph.id = %s AND p.student_id = %s RETURNING ph.s3_key",
            (photo_id, g.student_id),
        ).fetchone()
    if photo is None:
        return jsonify(error="not_found"), 404
    _s3.delete_object(Bucket=current_app.config["PHOTO_BUCKET"], Key=photo["s3_key"])
    return "", 204
