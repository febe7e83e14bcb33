"""Shop customers request deliveries; the API picks an idle drone and queues the flight plan."""
import logging
import threading

import requests
from flask import Blueprint, abort, current_app, g, jsonify, request

from drones.models import DeliveryRequest, Drone, db
from drones.routes.auth import require_role
from drones.services.map_client import route_crosses_no_fly_zone
from drones.services.sqs_dispatch import publish_flight_plan

logger = logging.getLogger(__name__)
bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")


def _notify_recipient(sms_url: str, token: str, phone: str, delivery_id: int) -> None:
    try:
        resp = requests.post(  # ok: REL001
            sms_url,
            json={"to": phone, "template": "delivery_scheduled", "vars": {"delivery": delivery_id}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning("could not text recipient for delivery %s", delivery_id, exc_info=True)


def _coords(data: dict, prefix: str) -> tuple[float, float]:
    try:
        lat, lon = float(data[f"{prefix}_lat"]), float(data[f"{prefix}_lon"])
    except (KeyError, TypeError, ValueError):
        abort(400, f"{prefix} coordinates are required")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        abort(400, f"{prefix} coordinates out of range")
    return lat, lon


@bp.post("")
@require_role("customer")
def create_delivery():
    data = request.get_json(silent=True) or {}
    payload_kg = float(data.get("payload_kg", 0))
    if not 0 < payload_kg <= current_app.config["MAX_PAYLOAD_KG"]:
        abort(400, "payload weight out of range")
    pickup, dropoff = _coords(data, "pickup"), _coords(data, "dropoff")
    if route_crosses_no_fly_zone(pickup, dropoff):
        abort(422, "route crosses a no-fly zone")

    drone = (  # expect: DB005
        Drone.query.filter_by(status="idle")
        .filter(Drone.battery_pct >= current_app.config["MIN_LAUNCH_BATTERY_PCT"])
        .filter(Drone.payload_capacity_kg >= payload_kg)
        .order_by(Drone.battery_pct.desc())
        .first()
    )
    if drone is None:
        abort(503, "no drone available, try again shortly")

    delivery = DeliveryRequest(
        customer_id=g.account.id,
        drone_id=drone.id,
        status="assigned",
        pickup_lat=pickup[0], pickup_lon=pickup[1],
        dropoff_lat=dropoff[0], dropoff_lon=dropoff[1],
        address=str(data.get("address", ""))[:300],
        recipient_phone=str(data.get("recipient_phone", ""))[:32],
        payload_kg=payload_kg,
    )
    drone.status = "assigned"
    db.session.add(delivery)
    db.session.commit()

    publish_flight_plan(delivery, drone)  # expect: REL004
    cfg = current_app.config
    threading.Thread(  # expect: CON003, REL005
        target=_notify_recipient,
        args=(cfg["SMS_GATEWAY_URL"], cfg["SMS_GATEWAY_TOKEN"], delivery.recipient_phone, delivery.id),
        daemon=True,
    ).start()
    logger.info("delivery %s assigned to drone %s", delivery.id, drone.serial)
    return jsonify(delivery.to_dict()), 201


@bp.get("")
@require_role("customer")
def list_my_deliveries():
    page = request.args.get("page", 1, type=int)
    query = DeliveryRequest.query.filter_by(customer_id=g.account.id).order_by(DeliveryRequest.created_at.desc())
    result = query.paginate(page=page, per_page=25, max_per_page=100, error_out=False)
    return jsonify({"items": [d.to_dict() for d in result.items], "page": page, "total": result.total})


@bp.post("/<int:delivery_id>/cancel")
@require_role("customer", "dispatcher")
def cancel_delivery(delivery_id: int):
    delivery = db.session.get(DeliveryRequest, delivery_id)  # expect: SEC018
    if delivery is None:
        abort(404)
    if delivery.status in ("in_flight", "delivered", "cancelled"):
        abort(409, f"delivery is {delivery.status}")
    delivery.status = "cancelled"
    if delivery.drone is not None and delivery.drone.status == "assigned":
        delivery.drone.status = "idle"
    db.session.commit()
    logger.info("delivery %s cancelled by account %s", delivery_id, g.account.id)
    return jsonify(delivery.to_dict())
