"""Rota publishing and shift swaps backed by the database."""
import logging
from datetime import date, datetime
from functools import wraps

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from kennels import db
from kennels.models import Owner, Shift, ShiftSwap

log = logging.getLogger(__name__)
bp = Blueprint("schedule", __name__, url_prefix="/schedule")

MAX_SHIFTS_PER_PUBLISH = 500


def manager_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "manager":
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def _shift_from(entry: dict) -> Shift:
    return Shift(
        staff_id=int(entry["staff_id"]),
        shift_date=date.fromisoformat(entry["date"]),
        starts_at=datetime.strptime(entry["starts"], "%H:%M").time(),
        ends_at=datetime.strptime(entry["ends"], "%H:%M").time(),
        duty=entry.get("duty", "kennel"),
    )


@bp.post("/publish")
@manager_required
def publish():
    entries = (request.get_json(silent=True) or {}).get("shifts", [])
    if not entries or len(entries) > MAX_SHIFTS_PER_PUBLISH:
        return jsonify(error=f"send between 1 and {MAX_SHIFTS_PER_PUBLISH} shifts"), 400
    try:
        shifts = [_shift_from(e) for e in entries]
    except (KeyError, ValueError) as exc:
        return jsonify(error=f"invalid shift: {exc}"), 400

    db.session.add_all(shifts)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="one or more shifts overlap an existing slot"), 409
    log.info("manager %s published %s shifts", current_user.id, len(shifts))
    return jsonify(published=len(shifts)), 201


@bp.post("/swaps")
@login_required
def request_swap():
    payload = request.get_json(silent=True) or {}
    shift = Shift.query.filter_by(id=payload.get("shift_id"), staff_id=current_user.id).first_or_404()
    cover = Owner.query.filter(
        Owner.id == payload.get("cover_staff_id"), Owner.role.in_(("staff", "manager"))
    ).first_or_404()
    swap = ShiftSwap(shift_id=shift.id, requested_by=current_user.id, cover_staff_id=cover.id)
    db.session.add(swap)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="a swap for this shift is already pending"), 409
    return jsonify(swap_id=swap.id, status=swap.status), 202


@bp.post("/swaps/<int:swap_id>/approve")
@manager_required
def approve_swap(swap_id: int):
    claimed = db.session.execute(
        update(ShiftSwap)
        .where(ShiftSwap.id == swap_id, ShiftSwap.status == "pending")
        .values(status="approved")
        .returning(ShiftSwap.shift_id, ShiftSwap.cover_staff_id)
    ).first()
    if claimed is None:
        db.session.rollback()
        return jsonify(error="swap is not pending"), 409
    db.session.execute(
        update(Shift).where(Shift.id == claimed.shift_id).values(staff_id=claimed.cover_staff_id)
    )
    db.session.commit()
    log.info("swap %s approved by manager %s", swap_id, current_user.id)
    return jsonify(shift_id=claimed.shift_id, staff_id=claimed.cover_staff_id)
