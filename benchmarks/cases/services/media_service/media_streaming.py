"""Media streaming for listing pages: serves stored files and video metadata."""
import json
import logging
import os
import subprocess

from flask import Blueprint, abort, jsonify, send_from_directory
from flask_login import current_user, login_required
from werkzeug.security import safe_join

from .models import MediaFile

logger = logging.getLogger(__name__)

streaming_bp = Blueprint("streaming", __name__, url_prefix="/stream")

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/media/uploads")


@streaming_bp.route("/<path:filename>")
@login_required
def stream(filename):
    media = MediaFile.query.filter_by(owner_id=current_user.id, stored_name=filename).first_or_404()
    logger.debug("streaming media %s", media.id)
    return send_from_directory(MEDIA_ROOT, media.stored_name, conditional=True)  # ok: SEC015


@streaming_bp.route("/<int:media_id>/info")
@login_required
def video_info(media_id):
    media = MediaFile.query.filter_by(id=media_id, owner_id=current_user.id).first_or_404()
    path = safe_join(MEDIA_ROOT, media.stored_name)  # ok: SEC015
    if path is None or not os.path.isfile(path):
        abort(404)
    result = subprocess.run(  # ok: SEC002
        ["ffprobe", "-v", "quiet", "-print_format", "json", "-show_format", "-show_streams", path],
        capture_output=True,
        check=True,
        timeout=20,
    )
    info = json.loads(result.stdout or b"{}")
    video = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), {})
    return jsonify(
        {
            "duration": float(info.get("format", {}).get("duration", 0)),
            "width": video.get("width"),
            "height": video.get("height"),
        }
    )
