"""Vehicle bookings: lane space is held in the booking's transaction, then the card is charged."""
import logging
import secrets
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ferry import api_error, db
from ferry.models import Booking, Sailing, Vehicle

bp = Blueprint("vehicles", __name__, url_prefix="/api/vehicles")
logger = logging.getLogger(__name__)

VEHICLE_KINDS = {"car", "van", "motorcycle", "campervan", "car_with_trailer"}
MIN_LENGTH_M = Decimal("1.5")
MAX_LENGTH_M = Decimal("18.0")


def reserve_lane_space(sailing_id, metres):
    """Take `metres` of lane space on a scheduled sailing; False if the deck would overfill."""
    result = db.session.execute(
        update(Sailing)
        .where(
            Sailing.id == sailing_id,
            Sailing.status == "scheduled",
            Sailing.lane_metres_booked + metres <= Sailing.lane_metres_capacity,
        )
        .values(lane_metres_booked=Sailing.lane_metres_booked + metres)  # ok: DB004
    )
    return result.rowcount == 1


def release_lane_space(sailing_id, metres):
    stmt = update(Sailing).where(Sailing.id == sailing_id)
    db.session.execute(stmt.values(lane_metres_booked=Sailing.lane_metres_booked - metres))


def vehicle_fare(length_m, height_m):
    cfg = current_app.config
    fare = int((length_m * cfg["VEHICLE_FARE_PER_METRE"]).to_integral_value())
    if height_m > Decimal("2.0"):
        fare += cfg["VEHICLE_HEIGHT_SURCHARGE"]
    return fare


def _own_booking(**filters):
    return db.session.scalar(select(Booking).filter_by(user_id=current_user.id, **filters))


@bp.post("/sailings/<int:sailing_id>/bookings")
@login_required
def book_vehicle(sailing_id):
    data = request.get_json(silent=True) or {}
    try:
        length_m = Decimal(str(data["length_m"]))
        height_m = Decimal(str(data["height_m"]))
        kind = data["kind"]
        registration = data["registration"].replace(" ", "").upper()
        passengers = int(data.get("passengers", 1))
        client_token = str(data["client_token"])[:64]
    except (KeyError, InvalidOperation, ValueError, AttributeError):
        return api_error("invalid_vehicle", "length_m, height_m, kind, registration and client_token are required", 400)
    if kind not in VEHICLE_KINDS or not MIN_LENGTH_M <= length_m <= MAX_LENGTH_M or not 1 <= passengers <= 9:
        return api_error("invalid_vehicle", "Vehicle or party size not accepted", 400)
    if not data.get("payment_method"):
        return api_error("invalid_request", "payment_method is required", 400)

    existing = _own_booking(client_token=client_token)  # ok: DB005
    if existing is not None:
        return jsonify(booking=existing.to_dict()), 200

    if not reserve_lane_space(sailing_id, length_m):
        db.session.rollback()
        return api_error("sold_out", "No lane space left on this sailing", 409)
    booking = Booking(
        reference=secrets.token_hex(5).upper(), user_id=current_user.id, sailing_id=sailing_id,
        kind="vehicle", passengers=passengers, lane_metres=length_m,
        amount_pence=vehicle_fare(length_m, height_m), currency=current_app.config["CURRENCY"],
        client_token=client_token, status="pending_payment",
    )
    booking.vehicle = Vehicle(registration=registration, kind=kind, length_m=length_m, height_m=height_m)
    db.session.add(booking)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # also gives back the lane space taken above
        return jsonify(booking=_own_booking(client_token=client_token).to_dict()), 200

    try:
        intent = stripe.PaymentIntent.create(
            amount=booking.amount_pence,
            currency=booking.currency,
            customer=current_user.stripe_customer_id,
            payment_method=data["payment_method"],
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"booking_id": booking.id},
            idempotency_key=f"vehicle-booking-{booking.id}",
        )
    except stripe.error.CardError as exc:
        booking.status = "payment_failed"
        release_lane_space(sailing_id, length_m)
        db.session.commit()
        return api_error("card_declined", exc.user_message or "Your card was declined", 402)
    except stripe.error.StripeError:
        logger.exception("payment outcome unknown for booking %s", booking.id)
        return jsonify(booking=booking.to_dict(), payment="pending"), 202

    booking.payment_intent_id = intent.id
    if intent.status == "succeeded":
        booking.status = "confirmed"
    db.session.commit()
    return jsonify(booking=booking.to_dict()), 201


@bp.get("/bookings/<reference>")
@login_required
def show_vehicle_booking(reference):
    booking = _own_booking(reference=reference.upper())  # ok: SEC018
    if booking is None:
        return api_error("not_found", "Booking not found", 404)
    vehicle = {"registration": booking.vehicle.registration, "length_m": float(booking.vehicle.length_m)}
    return jsonify(booking=booking.to_dict(), vehicle=vehicle)
