"""Staff stock endpoints: reserve parts for a ticket, low-stock list, bulk release."""
import logging
from datetime import datetime, timezone

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update

from .. import db
from ..models import Part, PartReservation, Ticket

bp = Blueprint("stock", __name__)
log = logging.getLogger(__name__)


def _require_staff():
    if not current_user.is_staff:
        abort(403)


@bp.post("/tickets/<int:ticket_id>/reserve")
@login_required
def reserve(ticket_id: int):
    _require_staff()
    ticket = db.get_or_404(Ticket, ticket_id)
    lines = (request.get_json(silent=True) or {}).get("lines") or []
    if not 0 < len(lines) <= 25:
        return jsonify(error="1-25 lines per request"), 400

    created = []
    for line in lines:
        part_id, quantity = int(line["part_id"]), int(line["quantity"])
        if quantity <= 0:
            db.session.rollback()
            return jsonify(error="quantity must be positive"), 400
        result = db.session.execute(
            update(Part)
            .where(Part.id == part_id, Part.on_hand >= quantity)
            .values(on_hand=Part.on_hand - quantity)  # ok: DB004, DB005
        )
        if result.rowcount != 1:
            db.session.rollback()
            return jsonify(error="not enough stock", part_id=part_id), 409
        reservation = PartReservation(ticket_id=ticket.id, part_id=part_id, quantity=quantity)
        db.session.add(reservation)
        created.append(reservation)
    db.session.commit()
    log.info("user %s reserved %d lines for ticket %s", current_user.id, len(created), ticket.id)
    return jsonify(reservations=[r.id for r in created]), 201


@bp.get("/low")
@login_required
def low_stock():
    _require_staff()
    rows = db.session.execute(
        select(Part.id, Part.sku, Part.name, Part.on_hand, Part.reorder_point)
        .where(Part.on_hand <= Part.reorder_point)
        .order_by(Part.on_hand)
        .limit(200)  # ok: DB002
    ).all()
    return jsonify([dict(r._mapping) for r in rows])


@bp.post("/tickets/<int:ticket_id>/release")
@login_required
def release_for_ticket(ticket_id: int):
    _require_staff()
    ticket = db.get_or_404(Ticket, ticket_id)
    open_reservations = (
        select(PartReservation)
        .where(PartReservation.ticket_id == ticket.id, PartReservation.released_at.is_(None))
        .with_for_update()
    )
    now = datetime.now(timezone.utc)
    released = 0
    for reservation in db.session.scalars(open_reservations):
        db.session.execute(  # ok: DB001
            update(Part)
            .where(Part.id == reservation.part_id)
            .values(on_hand=Part.on_hand + reservation.quantity)  # ok: DB004
        )
        reservation.released_at = now
        released += 1
    db.session.commit()  # ok: DB003
    log.info("user %s released %d reservations on ticket %s", current_user.id, released, ticket.id)
    return jsonify(released=released)
