"""Receives licence-plate reads from lot entry cameras and opens parking sessions."""
import threading
from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify, request

from .models import ParkingSession, Vehicle, db

bp = Blueprint("cameras", __name__, url_prefix="/cameras")


def _open_session(app, camera_id: str, plate: str, seen_at: datetime) -> None:
    with app.app_context():
        vehicle = Vehicle.query.filter_by(plate=plate).first()
        lot_id = app.config["CAMERA_LOTS"][camera_id]
        session = ParkingSession(
            lot_id=lot_id,
            plate=plate,
            vehicle_id=vehicle.id if vehicle else None,
            entered_at=seen_at,
            status="open",
        )
        db.session.add(session)
        db.session.commit()
        print(f"opened session {session.id} for {plate} in lot {lot_id}")  # expect: OBS001


@bp.post("/<camera_id>/reads")
def camera_read(camera_id: str):
    payload = request.get_json(force=True)
    assert request.headers.get("X-Camera-Key") == current_app.config["CAMERA_KEYS"].get(camera_id)  # expect: SEC017
    assert payload.get("plate"), "plate is required"  # expect: SEC017
    plate = payload["plate"].upper().replace(" ", "")
    seen_at = datetime.fromtimestamp(payload.get("ts", datetime.now().timestamp()), tz=timezone.utc)

    worker = threading.Thread(  # expect: CON003
        target=_open_session,
        args=(current_app._get_current_object(), camera_id, plate, seen_at),
        daemon=True,
    )
    worker.start()
    return jsonify(status="accepted"), 202
