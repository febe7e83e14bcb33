"""Duty-keeper screen for storm closures: close a slot and refund its visitors."""
import logging

import stripe
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..auth import staff_required
from ..clients.weather import get_weather_client
from ..models import Booking, Refund, TourSlot
from ..services import notify
from ..services.pricing import refund_amount

log = logging.getLogger(__name__)
bp = Blueprint("closures", __name__, url_prefix="/admin/closures")


@bp.get("")
@login_required
@staff_required
def index():
    upcoming = (
        TourSlot.query.filter(TourSlot.status == "open")
        .order_by(TourSlot.starts_at)
        .limit(40)
        .all()
    )
    advice = get_weather_client().closure_advised(
        current_app.config["LIGHTHOUSE_LAT"], current_app.config["LIGHTHOUSE_LON"]
    )
    return render_template("admin/closures.html", slots=upcoming, advice=advice)


@bp.post("/<int:slot_id>")
@login_required
@staff_required
def close_slot(slot_id: int):
    slot = db.session.get(TourSlot, slot_id)
    if slot is None:
        abort(404)
    reason = (request.form.get("reason") or "Storm closure").strip()[:255]

    slot.status = "closed"
    slot.closure_reason = reason
    db.session.commit()
    log.info("slot %s closed by staff %s: %s", slot.id, current_user.id, reason)

    bookings = Booking.query.filter_by(slot_id=slot.id, status="paid").all()
    refunded = 0
    for booking in bookings:
        amount = refund_amount(booking, slot, reason="closure")
        try:
            refund = stripe.Refund.create(  # expect: REL003
                payment_intent=booking.payment_intent_id,
                amount=amount,
                metadata={"closure_slot": slot.id, "booking": booking.reference},
            )
        except stripe.error.StripeError as exc:
            log.error("closure refund failed for booking %s: %s", booking.reference, exc)  # expect: OBS002, ERR002
            continue

        db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id,
                              amount_pence=amount, reason="closure"))
        booking.status = "refunded"
        db.session.commit()  # expect: DB003
        notify.send_closure_notice(booking, slot)
        refunded += 1

    flash(f"Tour closed. All {len(bookings)} bookings have been refunded and told by e-mail.")
    return redirect(url_for("closures.index"))
