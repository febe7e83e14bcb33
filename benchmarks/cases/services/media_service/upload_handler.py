"""Media uploads for listings: stores the original file and generates a thumbnail."""
import logging
import os
import subprocess

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from .extensions import db
from .models import MediaFile

logger = logging.getLogger(__name__)

uploads_bp = Blueprint("uploads", __name__, url_prefix="/media")

UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "/srv/media/uploads")
THUMB_DIR = os.environ.get("THUMB_DIR", "/srv/media/thumbs")


@uploads_bp.route("/upload", methods=["POST"])
@login_required
def upload():  # todo-expect: SEC019
    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify({"error": "no file"}), 400

    dest = os.path.join(UPLOAD_DIR, file.filename)
    file.save(dest)  # expect: SEC015, SCL002

    thumb = os.path.join(THUMB_DIR, f"{os.path.splitext(file.filename)[0]}.jpg")
    result = subprocess.run(f"convert '{dest}' -thumbnail 320x320 '{thumb}'", shell=True, capture_output=True, timeout=60)  # expect: SEC002
    if result.returncode != 0:
        logger.warning("thumbnail failed for %s: %s", dest, result.stderr.decode(errors="replace")[:200])
        thumb = None

    media = MediaFile(owner_id=current_user.id, path=dest, thumbnail_path=thumb, content_type=file.mimetype)
    db.session.add(media)
    db.session.commit()
    logger.info("user %s uploaded %s", current_user.id, file.filename)
    return jsonify({"id": media.id, "thumbnail": bool(thumb)}), 201
