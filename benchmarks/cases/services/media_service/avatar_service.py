"""Profile avatar uploads: validates the image, makes a square thumbnail and stores both in S3."""
import logging
import os
import subprocess
import tempfile
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from .extensions import db

logger = logging.getLogger(__name__)

avatars_bp = Blueprint("avatars", __name__, url_prefix="/avatars")

BUCKET = os.environ.get("AVATAR_BUCKET", "acme-avatars")
ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_AVATAR_BYTES = 5 * 1024 * 1024
s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=20))


@avatars_bp.route("", methods=["PUT"])
@login_required
def upload_avatar():
    if request.content_length is None or request.content_length > MAX_AVATAR_BYTES:
        return jsonify({"error": "avatar is larger than 5 MB"}), 413
    file = request.files.get("avatar")
    if file is None or file.mimetype not in ALLOWED_TYPES:
        return jsonify({"error": "avatar must be a JPEG, PNG or WebP image"}), 400

    key = f"{current_user.id}/{uuid.uuid4().hex}{ALLOWED_TYPES[file.mimetype]}"
    logger.debug("avatar %s uploaded as %s", secure_filename(file.filename or ""), key)
    with tempfile.TemporaryDirectory() as workdir:
        original = os.path.join(workdir, "original")  # ok: SEC015
        thumb = os.path.join(workdir, "thumb.jpg")
        file.save(original)  # ok: SCL002
        subprocess.run(  # ok: SEC002
            ["convert", original, "-auto-orient", "-thumbnail", "256x256^", "-gravity", "center", "-extent", "256x256", thumb],
            check=True,
            timeout=30,
        )
        s3.upload_file(original, BUCKET, f"originals/{key}", ExtraArgs={"ContentType": file.mimetype})
        s3.upload_file(thumb, BUCKET, f"thumbs/{key}.jpg", ExtraArgs={"ContentType": "image/jpeg"})

    current_user.avatar_key = key
    db.session.commit()
    return jsonify({"avatar_key": key}), 200
