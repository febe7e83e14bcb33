"""Dispatcher tools: reassign a delivery after a drone fault, and recall a drone."""
import logging

from flask import Blueprint, abort, current_app, g, jsonify
from sqlalchemy import select

from drones.models import DeliveryRequest, Drone, OutboxMessage, db
from drones.routes.auth import require_role
from drones.services.sqs_dispatch import flight_plan_message
from drones.services.weather_client import launch_allowed
from drones.telemetry.ground_link import GroundLinkError, get_ground_link

logger = logging.getLogger(__name__)
bp = Blueprint("assignments", __name__, url_prefix="/dispatch")

REASSIGNABLE = ("assigned", "grounded")


@bp.post("/deliveries/<int:delivery_id>/reassign")
@require_role("dispatcher")
def reassign_delivery(delivery_id: int):
    delivery = db.session.execute(
        select(DeliveryRequest).where(DeliveryRequest.id == delivery_id).with_for_update(of=DeliveryRequest)
    ).scalar_one_or_none()
    if delivery is None:
        abort(404)
    if delivery.status not in REASSIGNABLE:
        abort(409, f"delivery is {delivery.status}")

    allowed, reason = launch_allowed(delivery.pickup_lat, delivery.pickup_lon)
    if not allowed:
        db.session.rollback()
        abort(409, f"launch not allowed: {reason}")

    replacement = db.session.execute(  # ok: DB005
        select(Drone)
        .where(
            Drone.status == "idle",
            Drone.battery_pct >= current_app.config["MIN_LAUNCH_BATTERY_PCT"],
            Drone.payload_capacity_kg >= delivery.payload_kg,
        )
        .order_by(Drone.battery_pct.desc())
        .limit(1)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if replacement is None:
        db.session.rollback()
        abort(503, "no idle drone can take this delivery")

    previous_id = delivery.drone_id
    if previous_id is not None:
        db.session.execute(
            Drone.__table__.update().where(Drone.id == previous_id).values(status="maintenance")
        )
    replacement.status = "assigned"
    delivery.drone_id = replacement.id
    delivery.status = "assigned"
    db.session.add(  # ok: REL004
        OutboxMessage(kind="flight_plan", payload=flight_plan_message(delivery, replacement))
    )
    db.session.commit()
    logger.info(
        "delivery %s moved from drone %s to %s by dispatcher %s",
        delivery_id, previous_id, replacement.id, g.account.id,
    )
    return jsonify(delivery.to_dict())


@bp.post("/drones/<int:drone_id>/return-home")
@require_role("dispatcher")
def recall_drone(drone_id: int):
    drone = db.get_or_404(Drone, drone_id)
    try:
        ack = get_ground_link().send_command(drone.serial, "return_home")
    except GroundLinkError:
        logger.exception("return-home for drone %s could not be delivered", drone.serial)
        return jsonify({"error": "ground relay unreachable"}), 502
    Drone.query.filter_by(id=drone_id).update({"status": "returning"})
    db.session.commit()
    logger.info("drone %s recalled by dispatcher %s (ack %s)", drone.serial, g.account.id, ack)
    return jsonify({"drone_id": drone_id, "status": "returning", "ack": ack})
