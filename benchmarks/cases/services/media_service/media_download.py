"""Media downloads for listing owners: original files and video metadata."""
import json
import logging
import os

from flask import Blueprint, abort, jsonify, request, send_file
from flask_login import login_required

logger = logging.getLogger(__name__)

downloads_bp = Blueprint("downloads", __name__, url_prefix="/media")

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/media/uploads")


@downloads_bp.route("/download")
@login_required
def download():
    relative = request.args.get("path", "")
    if not relative:
        abort(400)
    full_path = os.path.join(MEDIA_ROOT, relative)
    if not os.path.isfile(full_path):
        abort(404)
    logger.info("download of %s", relative)
    return send_file(full_path, as_attachment=True)  # expect: SEC015


@downloads_bp.route("/probe")
@login_required
def probe():
    """Duration and resolution of an uploaded video, for the listing editor."""
    name = request.args.get("name", "")
    path = os.path.join(MEDIA_ROOT, os.path.basename(name))
    if not os.path.isfile(path):
        abort(404)
    output = os.popen("ffprobe -v quiet -print_format json -show_format -show_streams " + path).read()  # expect: SEC002
    info = json.loads(output or "{}")
    video = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), {})
    return jsonify(
        {
            "duration": float(info.get("format", {}).get("duration", 0)),
            "width": video.get("width"),
            "height": video.get("height"),
        }
    )
