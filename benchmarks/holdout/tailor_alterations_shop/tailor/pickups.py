"""Customers choose a collection window once their garment is ready."""
import logging
from datetime import date, timedelta

from flask import Blueprint, jsonify, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from tailor.auth import customer_from_link
from tailor.models import Order, Pickup, PickupSlot, db

bp = Blueprint("pickups", __name__)
log = logging.getLogger(__name__)

BOOKING_HORIZON_DAYS = 14


@bp.get("/c/<token>/pickup-slots")
def pickup_slots(token):
    customer_from_link(token)
    today = date.today()
    slots = db.session.execute(
        select(PickupSlot)
        .where(PickupSlot.day.between(today, today + timedelta(days=BOOKING_HORIZON_DAYS)),
               PickupSlot.booked < PickupSlot.capacity)
        .order_by(PickupSlot.day, PickupSlot.window)
    ).scalars().all()
    return jsonify([
        {"id": s.id, "day": s.day.isoformat(), "window": s.window, "free": s.capacity - s.booked}
        for s in slots
    ])


@bp.post("/c/<token>/orders/<int:order_id>/pickup")
def book_pickup(token, order_id):
    customer_id = customer_from_link(token)
    order = Order.query.filter_by(id=order_id, customer_id=customer_id).first_or_404()  # ok: SEC018
    if order.status not in ("ready", "collected_partial"):
        return jsonify(error="this order is not ready for collection yet"), 409
    slot_id = (request.get_json(silent=True) or {}).get("slot_id")
    if not isinstance(slot_id, int):
        return jsonify(error="slot_id is required"), 400

    claimed = db.session.execute(
        update(PickupSlot)
        .where(PickupSlot.id == slot_id, PickupSlot.booked < PickupSlot.capacity)
        .values(booked=PickupSlot.booked + 1)  # ok: DB004, DB005
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return jsonify(error="that window has just filled up"), 409

    db.session.add(Pickup(order_id=order.id, slot_id=slot_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="a collection window is already booked for this order"), 409
    log.info("customer %s booked pickup slot %s for order %s", customer_id, slot_id, order.id)
    return jsonify(order_id=order.id, slot_id=slot_id), 201


@bp.delete("/c/<token>/orders/<int:order_id>/pickup")
def cancel_pickup(token, order_id):
    customer_id = customer_from_link(token)
    pickup = (
        Pickup.query.join(Order, Order.id == Pickup.order_id)
        .filter(Pickup.order_id == order_id, Order.customer_id == customer_id)
        .first_or_404()
    )
    removed = db.session.execute(delete(Pickup).where(Pickup.id == pickup.id))
    if removed.rowcount == 1:
        db.session.execute(
            update(PickupSlot).where(PickupSlot.id == pickup.slot_id).values(booked=PickupSlot.booked - 1)
        )
    db.session.commit()
    log.info("customer %s cancelled pickup for order %s", customer_id, order_id)
    return "", 204
