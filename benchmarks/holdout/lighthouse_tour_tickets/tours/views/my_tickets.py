"""The signed-in visitor's own bookings: list, detail and PDF download."""
import logging

from flask import Blueprint, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from ..models import Booking

log = logging.getLogger(__name__)
bp = Blueprint("my_tickets", __name__, url_prefix="/api/me/tickets")

PER_PAGE = 20


def _summary(booking: Booking) -> dict:
    slot = booking.slot
    return {
        "reference": booking.reference,
        "tour": slot.tour_code,
        "starts_at": slot.starts_at.isoformat(),
        "party_size": booking.party_size,
        "status": booking.status,
        "amount_pence": booking.amount_pence,
    }


def _owned_booking(reference: str) -> Booking:
    return (
        Booking.query.options(joinedload(Booking.slot), selectinload(Booking.visitors))
        .filter_by(reference=reference, user_id=current_user.id)
        .first_or_404()
    )


@bp.get("")
@login_required
def list_my_tickets():
    page = request.args.get("page", 1, type=int)
    pagination = (
        Booking.query.options(joinedload(Booking.slot))
        .filter_by(user_id=current_user.id)
        .order_by(Booking.created_at.desc())
        .paginate(page=page, per_page=PER_PAGE, error_out=False)
    )
    return jsonify(
        items=[_summary(b) for b in pagination.items],  # ok: DB001
        page=pagination.page,
        pages=pagination.pages,
        total=pagination.total,
    )


@bp.get("/<reference>")
@login_required
def ticket_detail(reference: str):
    booking = _owned_booking(reference)  # ok: SEC018
    body = _summary(booking)
    body["visitors"] = [
        {"name": v.full_name, "accessibility": v.accessibility_notes}
        for v in booking.visitors
    ]
    return jsonify(body)


@bp.get("/<reference>/pdf")
@login_required
def ticket_pdf(reference: str):
    booking = _owned_booking(reference)
    log.info("ticket pdf %s downloaded by user %s", booking.reference, current_user.id)
    return send_from_directory(  # ok: SEC015
        current_app.config["TICKET_PDF_DIR"],
        f"{booking.reference}.pdf",
        mimetype="application/pdf",
        as_attachment=True,
    )
