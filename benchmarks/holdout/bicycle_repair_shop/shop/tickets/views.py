"""Staff views for the workshop ticket board."""
import functools
import logging

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .. import db
from ..models import Ticket, User
from ..notifications.sms import send_status_sms

bp = Blueprint("tickets", __name__)
log = logging.getLogger(__name__)

STATUSES = ("received", "diagnosed", "waiting_parts", "in_repair", "ready", "collected")


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        assert current_user.is_staff, "staff only"  # expect: SEC017
        return view(*args, **kwargs)

    return wrapper


def _ticket_row(t: Ticket) -> dict:
    return {
        "id": t.id,
        "bike": t.bike_description,
        "status": t.status,
        "customer": t.customer.name,  # expect: DB001
        "mechanic": t.mechanic.email if t.mechanic else None,  # expect: DB001
        "created_at": t.created_at.isoformat(),
    }


@bp.get("/")
@staff_required
def board():
    query = Ticket.query.order_by(Ticket.created_at.desc())
    status = request.args.get("status")
    if status in STATUSES:
        query = query.filter(Ticket.status == status)
    tickets = query.all()  # expect: DB002
    return jsonify([_ticket_row(t) for t in tickets])


@bp.get("/search")
@staff_required
def search():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return jsonify(error="query too short"), 400
    matches = (
        Ticket.query.filter(Ticket.bike_description.ilike(f"%{term}%"))  # expect: DB006
        .order_by(Ticket.created_at.desc())
        .limit(50)
        .all()
    )
    return jsonify([{"id": t.id, "bike": t.bike_description, "status": t.status} for t in matches])


@bp.post("/<int:ticket_id>/status")
@staff_required
def update_status(ticket_id: int):
    ticket = db.get_or_404(Ticket, ticket_id)
    new_status = (request.get_json(silent=True) or {}).get("status")
    if new_status not in STATUSES:
        return jsonify(error="unknown status"), 400

    ticket.status = new_status
    if new_status in ("waiting_parts", "ready"):
        send_status_sms.delay(ticket.id, new_status)  # expect: REL004
    db.session.commit()
    log.info("ticket %s moved to %s by user %s", ticket.id, new_status, current_user.id)
    return jsonify(id=ticket.id, status=ticket.status)


@bp.post("/<int:ticket_id>/assign")
@staff_required
def assign_mechanic(ticket_id: int):
    ticket = db.get_or_404(Ticket, ticket_id)
    mechanic_id = (request.get_json(silent=True) or {}).get("mechanic_id")
    mechanic = db.session.get(User, mechanic_id) if mechanic_id else None
    if mechanic is None or not mechanic.is_staff:
        abort(400)
    ticket.mechanic_id = mechanic.id
    db.session.commit()
    log.info("ticket %s assigned to mechanic %s by user %s", ticket.id, mechanic.id, current_user.id)
    return jsonify(id=ticket.id, mechanic_id=mechanic.id)
