"""Fitting appointments: booked by staff at intake, moved by customers from their link."""
import logging
from datetime import date, datetime, time, timedelta

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager

from tailor.auth import customer_from_link
from tailor.models import Fitting, FittingSlot, Order, db

bp = Blueprint("fittings", __name__)
log = logging.getLogger(__name__)


def _slot_json(slot, taken):
    return {
        "id": slot.id,
        "starts_at": slot.starts_at.isoformat(),
        "free": max(slot.capacity - taken, 0),
    }


def _booked_count(slot_id):
    return Fitting.query.filter_by(slot_id=slot_id, status="booked").count()


@bp.get("/fitting-slots")
def open_slots():
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    start = datetime.combine(day, time.min)
    slots = (
        FittingSlot.query.filter(FittingSlot.starts_at >= start, FittingSlot.starts_at < start + timedelta(days=1))
        .order_by(FittingSlot.starts_at)
        .all()
    )
    counts = dict(
        db.session.query(Fitting.slot_id, db.func.count(Fitting.id))
        .filter(Fitting.slot_id.in_([s.id for s in slots]), Fitting.status == "booked")
        .group_by(Fitting.slot_id)
        .all()
    )
    return jsonify([_slot_json(s, counts.get(s.id, 0)) for s in slots])


@bp.post("/orders/<int:order_id>/fittings")
@login_required
def book_fitting(order_id):
    order = db.get_or_404(Order, order_id)
    slot = db.get_or_404(FittingSlot, (request.get_json(silent=True) or {}).get("slot_id"))
    if _booked_count(slot.id) >= slot.capacity:
        return jsonify(error="that slot is full"), 409
    fitting = Fitting(order_id=order.id, customer_id=order.customer_id, slot_id=slot.id)
    db.session.add(fitting)
    db.session.commit()  # expect: DB005
    log.info("fitting %s booked for order %s by staff %s", fitting.id, order.id, current_user.id)
    return jsonify(id=fitting.id, starts_at=slot.starts_at.isoformat()), 201


@bp.get("/c/<token>/fittings")
def my_fittings(token):
    customer_id = customer_from_link(token)
    fittings = (
        Fitting.query.filter_by(customer_id=customer_id, status="booked")
        .join(FittingSlot)
        .options(contains_eager(Fitting.slot))
        .filter(FittingSlot.starts_at >= datetime.utcnow())
        .order_by(FittingSlot.starts_at)
        .limit(20)
        .all()
    )
    return jsonify([
        {"id": f.id, "order_id": f.order_id, "starts_at": f.slot.starts_at.isoformat()}  # ok: DB001
        for f in fittings
    ])


@bp.post("/c/<token>/fittings/<int:fitting_id>/move")
def move_fitting(token, fitting_id):
    customer_id = customer_from_link(token)
    fitting = db.get_or_404(Fitting, fitting_id)  # expect: SEC018
    if fitting.status != "booked":
        return jsonify(error="this fitting can no longer be changed"), 409
    new_slot = db.get_or_404(FittingSlot, (request.get_json(silent=True) or {}).get("slot_id"))
    if new_slot.starts_at < datetime.utcnow() + timedelta(hours=2):
        return jsonify(error="pick a slot at least two hours from now"), 400
    if _booked_count(new_slot.id) >= new_slot.capacity:
        return jsonify(error="that slot is full"), 409
    fitting.slot_id = new_slot.id
    db.session.commit()  # expect: DB005
    log.info("customer %s moved fitting %s to slot %s", customer_id, fitting.id, new_slot.id)
    return jsonify(id=fitting.id, starts_at=new_slot.starts_at.isoformat())
