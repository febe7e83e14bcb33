"""Live fitting: the audiologist adjusts a patient's hearing aids through the
manufacturer's fitting cloud while the patient sits in the booth.

The browser posts a program, then polls the status endpoint until the cloud
confirms the hearing aids have applied it.
"""
import logging
import threading
import time

import requests
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from clinic.models import Appointment, db

bp = Blueprint("fitting", __name__, url_prefix="/staff/fitting")
logger = logging.getLogger(__name__)

PROGRAM_SLOTS = {1, 2, 3, 4}
BANDS_HZ = (250, 500, 1000, 2000, 4000, 8000)
MAX_GAIN_DB = 60

_sessions: dict[int, dict] = {}
_http = requests.Session()


def _push_program(app, appointment_id: int, serial: str, program: dict, state: dict) -> None:
    with app.app_context():
        try:
            resp = _http.put(
                f"{app.config['FITTING_CLOUD_URL']}/devices/{serial}/programs/{program['slot']}",
                json=program,
                headers={"Authorization": f"Bearer {app.config['MANUFACTURER_API_KEY']}"},
                timeout=20,
            )
            resp.raise_for_status()
            state["state"] = "applied"
        except requests.RequestException:
            logger.exception("program push failed for appointment %s", appointment_id)
            state["state"] = "failed"


def _validated_program(body: dict) -> dict:
    slot = body.get("slot")
    gains = body.get("gains_db", {})
    if slot not in PROGRAM_SLOTS:
        abort(400, description="slot must be 1 to 4")
    if set(map(int, gains)) - set(BANDS_HZ):
        abort(400, description="unknown frequency band")
    if any(not 0 <= float(v) <= MAX_GAIN_DB for v in gains.values()):
        abort(400, description=f"gains must be between 0 and {MAX_GAIN_DB} dB")
    return {"slot": slot, "gains_db": {str(k): float(v) for k, v in gains.items()},
            "noise_reduction": bool(body.get("noise_reduction", True))}


@bp.post("/<int:appointment_id>/program")
@login_required
def push_program(appointment_id: int):
    if not current_user.is_staff:
        abort(403)
    appointment = db.get_or_404(Appointment, appointment_id)
    if appointment.kind not in ("fitting", "follow-up"):
        abort(409, description="not a fitting appointment")
    body = request.get_json(silent=True) or {}
    serial = str(body.get("device_serial", ""))[:32]
    if not serial:
        abort(400, description="device_serial is required")
    program = _validated_program(body)

    state = {"state": "pushing", "slot": program["slot"], "by": current_user.id, "started": time.time()}
    _sessions[appointment_id] = state  # expect: CON002, SCL001, RES002
    threading.Thread(  # expect: CON003, REL005
        target=_push_program,
        args=(current_app._get_current_object(), appointment_id, serial, program, state),
        name=f"fitting-{appointment_id}",
    ).start()
    return jsonify(state="pushing"), 202


@bp.get("/<int:appointment_id>/status")
@login_required
def program_status(appointment_id: int):
    if not current_user.is_staff:
        abort(403)
    state = _sessions.get(appointment_id)
    if state is None:
        return jsonify(state="unknown"), 404
    return jsonify(state)
