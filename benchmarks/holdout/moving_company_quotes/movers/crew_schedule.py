import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from movers.models import CrewAssignment, QuoteRequest, Truck, db

log = logging.getLogger(__name__)
bp = Blueprint("crew_schedule", __name__, url_prefix="/admin/schedule")

FREE_TRUCKS_SQL = text(
    """
    SELECT t.id, t.capacity_cuft
      FROM trucks t
     WHERE t.capacity_cuft >= :volume
       AND NOT EXISTS (SELECT 1 FROM crew_assignments a
                        WHERE a.truck_id = t.id AND a.work_date = :day)
     ORDER BY t.capacity_cuft
     LIMIT 10
    """
)


def _require_staff():
    if not current_user.is_authenticated or not current_user.is_staff:
        abort(403)


@bp.get("/<day>")
@login_required
def day_board(day):
    _require_staff()
    work_date = date.fromisoformat(day)
    assignments = (CrewAssignment.query
                   .options(joinedload(CrewAssignment.crew), joinedload(CrewAssignment.truck))
                   .filter(CrewAssignment.work_date == work_date)
                   .order_by(CrewAssignment.crew_id).all())
    return jsonify([
        {"quote_id": a.quote_id, "crew": a.crew.name, "truck_id": a.truck.id}  # ok: DB001
        for a in assignments
    ])


@bp.get("/<day>/trucks")
@login_required
def free_trucks(day):
    _require_staff()
    volume = request.args.get("volume", 0, type=int)
    rows = db.session.execute(FREE_TRUCKS_SQL, {"volume": volume, "day": date.fromisoformat(day)})  # ok: SEC001
    return jsonify([{"id": r.id, "capacity_cuft": r.capacity_cuft} for r in rows])


@bp.post("/assign")
@login_required
def assign_crew():
    _require_staff()
    body = request.get_json(force=True)
    quote = (QuoteRequest.query.filter_by(id=body["quote_id"])
             .with_for_update().first_or_404())
    if quote.status != "approved":
        db.session.rollback()
        return jsonify(error="quote_not_approved"), 409
    truck = db.get_or_404(Truck, int(body["truck_id"]))
    if quote.volume_cuft and truck.capacity_cuft < quote.volume_cuft:
        db.session.rollback()
        return jsonify(error="truck_too_small"), 422

    assignment = CrewAssignment(quote_id=quote.id, crew_id=int(body["crew_id"]),
                                truck_id=truck.id, work_date=quote.move_date)
    db.session.add(assignment)
    quote.status = "booked"  # ok: DB004
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="crew_or_truck_already_booked"), 409
    log.info("quote %s assigned crew %s truck %s by %s", quote.id, assignment.crew_id,
             truck.id, current_user.id)
    return jsonify(id=assignment.id, work_date=assignment.work_date.isoformat()), 201


@bp.delete("/assign/<int:assignment_id>")
@login_required
def unassign(assignment_id):
    _require_staff()
    assignment = db.get_or_404(CrewAssignment, assignment_id)
    QuoteRequest.query.filter_by(id=assignment.quote_id, status="booked").update(
        {"status": "approved"}, synchronize_session=False)
    db.session.delete(assignment)
    db.session.commit()
    return "", 204
