"""Customer-facing call-out endpoints: request a locksmith, track it, see history."""
import logging
import math
import threading

import requests
from flask import Blueprint, current_app, g, jsonify, request

from ..auth import require_customer, require_role
from ..clients.sms import send_sms
from ..models import Callout, Locksmith, db

logger = logging.getLogger(__name__)
bp = Blueprint("callouts", __name__, url_prefix="/api/callouts")

LOCKOUT_TYPES = {"house", "car", "office", "safe"}
NOTIFY_RADIUS_KM = 15


def geocode_address(address: str) -> tuple[float, float]:
    resp = requests.get(
        current_app.config["GEOCODER_URL"], params={"q": address, "limit": 1}, timeout=(3, 5)
    )
    resp.raise_for_status()
    hit = resp.json()["results"][0]
    return hit["lat"], hit["lng"]


def _distance_km(lat1, lng1, lat2, lng2) -> float:
    dlat = math.radians(lat2 - lat1)
    dlng = math.radians(lng2 - lng1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlng / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def notify_nearby_locksmiths(app, callout_id: int) -> None:
    with app.app_context():
        callout = db.session.get(Callout, callout_id)
        on_shift = db.session.execute(
            db.select(Locksmith).filter_by(city=callout.city, on_shift=True)
        ).scalars().all()
        for locksmith in on_shift:
            if locksmith.lat is None or _distance_km(callout.lat, callout.lng, locksmith.lat, locksmith.lng) > NOTIFY_RADIUS_KM:
                continue
            send_sms(locksmith.phone, f"New {callout.lockout_type} lockout near {callout.address}. Reply in app to accept.")


@bp.post("")
@require_customer
def create_callout():
    data = request.get_json(silent=True) or {}
    address = (data.get("address") or "").strip()
    city = (data.get("city") or "").strip()
    lockout_type = data.get("lockout_type")
    if not address or not city or lockout_type not in LOCKOUT_TYPES:
        return jsonify(error="address, city and a valid lockout_type are required"), 400

    lat, lng = geocode_address(f"{address}, {city}")  # todo-expect: ERR003
    callout = Callout(
        customer_id=g.identity_id,
        address=address,
        city=city,
        lat=lat,
        lng=lng,
        lockout_type=lockout_type,
        fee_cents=current_app.config["BASE_CALLOUT_FEE_CENTS"],
    )
    db.session.add(callout)
    db.session.commit()

    app = current_app._get_current_object()
    threading.Thread(target=notify_nearby_locksmiths, args=(app, callout.id), daemon=True).start()  # expect: CON003, REL005
    logger.info("callout created id=%s customer=%s request_id=%s", callout.id, g.identity_id, g.request_id)
    return jsonify(callout.to_dict()), 201


@bp.get("/<int:callout_id>")
@require_customer
def get_callout(callout_id: int):
    callout = db.session.get(Callout, callout_id)  # expect: SEC018
    if callout is None:
        return jsonify(error="not found"), 404
    body = callout.to_dict()
    if callout.locksmith is not None:
        body["locksmith"] = {"name": callout.locksmith.name, "phone": callout.locksmith.phone}
    return jsonify(body)


@bp.get("/history")
@require_role("dispatcher")
def city_history():
    city = request.args.get("city", "")
    if not city:
        return jsonify(error="city is required"), 400
    rows = Callout.query.filter_by(city=city).order_by(Callout.created_at.desc()).all()  # expect: DB002
    return jsonify(items=[row.to_dict() for row in rows], count=len(rows))
