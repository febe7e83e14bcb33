"""Receives licence-plate reads from lot exit cameras and closes parking sessions."""
import hmac
import logging
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, request

from .tasks import close_parking_session

log = logging.getLogger(__name__)
bp = Blueprint("exit_gates", __name__, url_prefix="/gates")

MAX_PLATE_LENGTH = 10


def _camera_authorized(camera_id: str) -> bool:
    expected = current_app.config["CAMERA_KEYS"].get(camera_id)
    presented = request.headers.get("X-Camera-Key", "")
    return expected is not None and hmac.compare_digest(expected, presented)


@bp.post("/<camera_id>/exits")
def exit_read(camera_id: str):
    if not _camera_authorized(camera_id):
        abort(401)
    payload = request.get_json(force=True, silent=True) or {}
    plate = str(payload.get("plate", "")).upper().replace(" ", "")
    if not plate or len(plate) > MAX_PLATE_LENGTH:  # ok: SEC017
        return jsonify(error="a plate of up to 10 characters is required"), 400
    seen_at = datetime.fromtimestamp(
        payload.get("ts", datetime.now(timezone.utc).timestamp()), tz=timezone.utc
    )

    close_parking_session.apply_async(  # ok: CON003
        args=(camera_id, plate, seen_at.isoformat()),
        task_id=f"exit-{camera_id}-{plate}-{int(seen_at.timestamp())}",
    )
    log.info("exit read queued: camera=%s plate=%s", camera_id, plate)  # ok: OBS001
    return jsonify(status="accepted"), 202
