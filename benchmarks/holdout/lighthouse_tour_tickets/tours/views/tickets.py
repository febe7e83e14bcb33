"""Ticket pages linked from confirmation e-mails: view, download, cancel."""
import logging
import os

import stripe
from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required

from .. import db
from ..models import Booking, Refund, TourSlot
from ..services.pricing import refund_amount

log = logging.getLogger(__name__)
bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.get("/<int:booking_id>")
@login_required
def show_ticket(booking_id: int):
    booking = Booking.query.get_or_404(booking_id)  # expect: SEC018
    return render_template(
        "tickets/show.html",
        booking=booking,
        slot=booking.slot,
        visitors=booking.visitors,
    )


@bp.get("/download")
@login_required
def download_ticket():
    name = request.args.get("file", "")
    if not name.endswith(".pdf"):
        abort(400)
    path = os.path.join(current_app.config["TICKET_PDF_DIR"], name)  # expect: SEC015
    if not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True)


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_ticket(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    assert booking is not None and booking.user_id == current_user.id, "not your booking"  # expect: SEC017

    claimed = Booking.query.filter_by(id=booking.id, status="paid").update({"status": "cancelling"})
    db.session.commit()
    if not claimed:
        return jsonify(error="This booking can no longer be cancelled."), 409

    amount = refund_amount(booking, booking.slot, reason="customer")
    if amount > 0:
        try:
            refund = stripe.Refund.create(
                payment_intent=booking.payment_intent_id,
                amount=amount,
                idempotency_key=f"customer-cancel-{booking.id}",
            )
        except stripe.error.StripeError:
            log.exception("refund for booking %s failed", booking.reference)
            booking.status = "paid"
            db.session.commit()
            return jsonify(error="We could not refund this booking, please contact us."), 502
        db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id,
                              amount_pence=amount, reason="customer"))

    TourSlot.query.filter_by(id=booking.slot_id).update(
        {TourSlot.seats_sold: TourSlot.seats_sold - booking.party_size},
        synchronize_session=False,
    )
    booking.status = "cancelled"
    db.session.commit()
    log.info("booking %s cancelled by user %s, refunded %d", booking.reference,
             current_user.id, amount)
    return jsonify(reference=booking.reference, status="cancelled", refunded_pence=amount)
