"""Foot passenger bookings: quote, book and view."""
import logging
import secrets

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ferry import api_error, db
from ferry.models import Booking, Sailing
from ferry.tide_client import tideline

bp = Blueprint("foot_passengers", __name__, url_prefix="/api/foot")
logger = logging.getLogger(__name__)

ACTIVE_STATUSES = ("confirmed", "boarded")


def quote_foot_fare(adults, children):
    cfg = current_app.config
    return adults * cfg["FOOT_FARE_ADULT"] + children * cfg["FOOT_FARE_CHILD"]


def _party(data):
    adults = int(data.get("adults", 1))
    children = int(data.get("children", 0))
    return adults, children


@bp.get("/sailings/<int:sailing_id>/quote")
def quote(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    try:
        adults, children = _party(request.args)
    except ValueError:
        return api_error("invalid_party", "adults and children must be numbers", 400)
    return jsonify(sailing=sailing.id, amount_pence=quote_foot_fare(adults, children))


@bp.post("/sailings/<int:sailing_id>/bookings")
@login_required
def book(sailing_id):
    data = request.get_json(silent=True) or {}
    try:
        adults, children = _party(data)
    except ValueError:
        return api_error("invalid_party", "adults and children must be numbers", 400)
    passengers = adults + children
    if adults < 1 or children < 0 or passengers > current_app.config["MAX_FOOT_PASSENGERS_PER_BOOKING"]:
        return api_error("invalid_party", "Between 1 and 9 passengers, at least one adult", 400)
    if not data.get("payment_method") or not data.get("client_token"):
        return api_error("invalid_request", "payment_method and client_token are required", 400)

    sailing = db.get_or_404(Sailing, sailing_id)
    if sailing.status != "scheduled":
        return api_error("not_bookable", "This sailing is not taking bookings", 409)
    if not tideline.sailing_is_safe(sailing):  # todo-expect: ERR003
        return api_error("weather_hold", "Bookings are paused for this sailing", 409)

    amount = quote_foot_fare(adults, children)
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL004
            amount=amount,
            currency=current_app.config["CURRENCY"],
            customer=current_user.stripe_customer_id,
            payment_method=data["payment_method"],
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"sailing_id": sailing.id, "user_id": current_user.id},
            idempotency_key=f"foot-{current_user.id}-{data['client_token']}",
        )
    except stripe.error.CardError as exc:
        return api_error("card_declined", exc.user_message or "Your card was declined", 402)

    booked = db.session.scalar(
        select(func.coalesce(func.sum(Booking.passengers), 0)).where(
            Booking.sailing_id == sailing.id,
            Booking.kind == "foot",
            Booking.status.in_(ACTIVE_STATUSES),
        )
    )
    if booked + passengers > sailing.foot_capacity:
        return api_error("sold_out", "Not enough seats left on this sailing", 409)

    booking = Booking(
        reference=secrets.token_hex(5).upper(),
        user_id=current_user.id,
        sailing_id=sailing.id,
        kind="foot",
        passengers=passengers,
        amount_pence=amount,
        currency=current_app.config["CURRENCY"],
        client_token=data["client_token"],
        payment_intent_id=intent.id,
        status="confirmed" if intent.status == "succeeded" else "pending_payment",
    )
    db.session.add(booking)  # expect: DB005
    db.session.commit()
    logger.info("foot booking %s created on sailing %s", booking.id, sailing.id)
    return jsonify(booking=booking.to_dict()), 201


@bp.get("/bookings/<int:booking_id>")
@login_required
def show(booking_id):
    booking = db.get_or_404(Booking, booking_id)  # expect: SEC018
    return jsonify(booking=booking.to_dict())
