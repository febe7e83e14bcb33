"""Shift swaps between pilots: offer a shift, the colleague accepts."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from .auth import role_required
from .models import Pilot, RosterShift, SwapRequest, db

log = logging.getLogger(__name__)
bp = Blueprint("roster_swaps", __name__, url_prefix="/roster/swaps")


def _current_pilot():
    return Pilot.query.filter_by(user_id=current_user.id).first()


@bp.post("")
@role_required("pilot")
def offer_shift():
    me = _current_pilot()
    data = request.get_json(silent=True) or {}
    shift = RosterShift.query.filter_by(id=data.get("shift_id"), pilot_id=me.id).first() if me else None
    if shift is None:
        return jsonify(error="shift not found"), 404
    to_pilot = db.session.get(Pilot, data.get("to_pilot_id"))
    if to_pilot is None or to_pilot.id == me.id:
        return jsonify(error="choose another pilot"), 400
    swap = SwapRequest(shift_id=shift.id, from_pilot_id=me.id, to_pilot_id=to_pilot.id)
    db.session.add(swap)
    db.session.commit()
    log.info("pilot %s offered shift %s to pilot %s (swap %s)", me.id, shift.id, to_pilot.id, swap.id)
    return jsonify(id=swap.id, status=swap.status), 201


@bp.post("/<int:swap_id>/accept")
@role_required("pilot")
def accept_swap(swap_id):
    me = _current_pilot()
    if me is None:
        return jsonify(error="no pilot profile"), 403
    swap = db.session.execute(
        select(SwapRequest).where(SwapRequest.id == swap_id, SwapRequest.to_pilot_id == me.id)
        .with_for_update()).scalar_one_or_none()
    if swap is None:
        return jsonify(error="swap not found"), 404
    if swap.status != "pending":
        return jsonify(error=f"swap is {swap.status}"), 409

    # Lock both pilots in id order so concurrent swaps involving them queue up.
    db.session.execute(
        select(Pilot.id).where(Pilot.id.in_([swap.from_pilot_id, me.id]))
        .order_by(Pilot.id).with_for_update()).all()
    shift = db.session.execute(
        select(RosterShift).where(RosterShift.id == swap.shift_id).with_for_update()).scalar_one()
    if shift.pilot_id != swap.from_pilot_id:
        swap.status = "stale"
        db.session.commit()
        return jsonify(error="the shift has been reassigned"), 409

    clash = (RosterShift.query
             .filter(RosterShift.pilot_id == me.id,
                     RosterShift.starts_at < shift.ends_at,
                     RosterShift.ends_at > shift.starts_at)
             .first())
    if clash is not None:  # ok: DB005
        db.session.rollback()
        return jsonify(error="you are already rostered at that time", shift_id=clash.id), 409

    shift.pilot_id = me.id
    swap.status = "accepted"
    db.session.commit()
    log.info("swap %s accepted: shift %s moved from pilot %s to pilot %s",
             swap.id, shift.id, swap.from_pilot_id, me.id)
    return jsonify(id=swap.id, status=swap.status, shift_id=shift.id)


@bp.get("/inbox")
@role_required("pilot")
def swap_inbox():
    me = _current_pilot()
    if me is None:
        return jsonify(swaps=[])
    swaps = (SwapRequest.query.filter_by(to_pilot_id=me.id, status="pending")
             .order_by(SwapRequest.created_at.desc()).limit(50).all())
    return jsonify(swaps=[{"id": s.id, "shift_id": s.shift_id, "from_pilot_id": s.from_pilot_id}
                          for s in swaps])
