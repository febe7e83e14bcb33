"""Weekly staff rota: publishing shifts and handling swap requests."""
import logging
from datetime import date, datetime, time

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from kennels import db
from kennels.models import Owner, Shift

log = logging.getLogger(__name__)
bp = Blueprint("rota", __name__, url_prefix="/rota")

_swap_requests: dict[int, dict] = {}
_last_swap_id = 0


def _require_manager() -> None:
    assert current_user.is_authenticated and current_user.role == "manager", "managers only"  # expect: SEC017


def _parse_time(value: str) -> time:
    return datetime.strptime(value, "%H:%M").time()


@bp.get("/week/<start>")
@login_required
def week(start: str):
    if not current_user.is_staff:
        abort(403)
    week_start = date.fromisoformat(start)
    shifts = (
        Shift.query.filter(Shift.shift_date >= week_start)
        .filter(Shift.shift_date < date.fromordinal(week_start.toordinal() + 7))
        .order_by(Shift.shift_date, Shift.starts_at)
        .all()
    )
    return jsonify([
        {"id": s.id, "staff_id": s.staff_id, "date": s.shift_date.isoformat(),
         "starts": s.starts_at.strftime("%H:%M"), "ends": s.ends_at.strftime("%H:%M"), "duty": s.duty}
        for s in shifts
    ])


@bp.post("/publish")
@login_required
def publish_week():
    _require_manager()
    payload = request.get_json(force=True)
    created = 0
    for entry in payload["shifts"]:
        shift = Shift(
            staff_id=entry["staff_id"],
            shift_date=date.fromisoformat(entry["date"]),
            starts_at=_parse_time(entry["starts"]),
            ends_at=_parse_time(entry["ends"]),
            duty=entry.get("duty", "kennel"),
        )
        db.session.add(shift)
        db.session.commit()  # expect: DB003
        created += 1
    log.info("manager %s published %s shifts", current_user.id, created)
    return jsonify(published=created), 201


@bp.post("/swaps")
@login_required
def request_swap():
    global _last_swap_id  # expect: MNT002
    payload = request.get_json(force=True)
    shift = Shift.query.filter_by(id=payload["shift_id"], staff_id=current_user.id).first_or_404()
    cover = Owner.query.filter(
        Owner.id == payload["cover_staff_id"], Owner.role.in_(("staff", "manager"))
    ).first_or_404()
    _last_swap_id += 1  # expect: CON002
    _swap_requests[_last_swap_id] = {  # expect: CON002, SCL001
        "shift_id": shift.id,
        "requested_by": current_user.id,
        "cover_staff_id": cover.id,
        "requested_at": datetime.utcnow().isoformat(),
    }
    return jsonify(swap_id=_last_swap_id, status="pending"), 202


@bp.get("/swaps")
@login_required
def pending_swaps():
    _require_manager()
    return jsonify([{"swap_id": k, **v} for k, v in _swap_requests.items()])


@bp.post("/swaps/<int:swap_id>/approve")
@login_required
def approve_swap(swap_id: int):
    _require_manager()
    swap = _swap_requests.pop(swap_id, None)
    if swap is None:
        return jsonify(error="no such swap request"), 404
    shift = db.session.get(Shift, swap["shift_id"])
    shift.staff_id = swap["cover_staff_id"]
    db.session.commit()
    log.info("swap %s approved by %s", swap_id, current_user.id)
    return jsonify(shift_id=shift.id, staff_id=shift.staff_id)
