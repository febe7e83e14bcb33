"""Customer portal: a customer's own tickets and their repair history."""
import logging

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .. import db
from ..models import Invoice, Ticket

bp = Blueprint("portal", __name__)
log = logging.getLogger(__name__)

PAGE_SIZE = 20


def _own_ticket_or_404(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.customer_id != current_user.customer_id:  # ok: SEC018
        abort(404)
    return ticket


@bp.get("/tickets")
@login_required
def my_tickets():
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = (
        Ticket.query.options(joinedload(Ticket.mechanic))
        .filter(Ticket.customer_id == current_user.customer_id)
        .order_by(Ticket.created_at.desc())
        .paginate(page=page, per_page=PAGE_SIZE, error_out=False)  # ok: DB002
    )
    items = [
        {
            "id": t.id,
            "bike": t.bike_description,
            "status": t.status,
            "mechanic": t.mechanic.email if t.mechanic else None,  # ok: DB001
            "created_at": t.created_at.isoformat(),
        }
        for t in pagination.items
    ]
    return jsonify(items=items, page=page, pages=pagination.pages)


@bp.get("/tickets/<int:ticket_id>")
@login_required
def my_ticket(ticket_id: int):
    ticket = _own_ticket_or_404(ticket_id)
    invoice = Invoice.query.filter_by(ticket_id=ticket.id).one_or_none()
    return jsonify(
        id=ticket.id,
        bike=ticket.bike_description,
        status=ticket.status,
        invoice=(
            {"id": invoice.id, "total_cents": invoice.total_cents, "status": invoice.status}
            if invoice
            else None
        ),
    )


@bp.post("/tickets/<int:ticket_id>/notes")
@login_required
def add_note(ticket_id: int):
    ticket = _own_ticket_or_404(ticket_id)
    text = ((request.get_json(silent=True) or {}).get("note") or "").strip()
    if not text or len(text) > 1000:
        return jsonify(error="note must be 1-1000 characters"), 400
    # the version column makes a concurrent staff edit raise StaleDataError here
    ticket.notes = f"{ticket.notes}\n[customer] {text}".strip()  # ok: DB004
    db.session.commit()
    log.info("customer note added to ticket %s by user %s", ticket.id, current_user.id)
    return jsonify(id=ticket.id), 201
