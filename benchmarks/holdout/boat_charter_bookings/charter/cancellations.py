"""Customer cancellations with the tiered refund policy, and expiry of unpaid bookings."""
import logging
import threading
import time
from datetime import datetime, timezone

import stripe
from flask import Blueprint, current_app, g, jsonify

from . import notifications
from .auth import login_required
from .db import db, get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("cancellations", __name__, url_prefix="/bookings")

# (hours before departure, share of the deposit refunded)
REFUND_TIERS = ((72, 100), (24, 50), (0, 0))


def _refund_cents(booking, now):
    hours_left = (booking["starts_at"] - now).total_seconds() / 3600
    for min_hours, percent in REFUND_TIERS:
        if hours_left >= min_hours:
            return booking["deposit_cents"] * percent // 100
    return 0


def _notify_cancelled(app, booking, refund):
    with app.app_context():
        notifications.send_email(
            booking["customer_id"], "booking_cancelled",
            {"booking_id": booking["id"], "refund": f"{refund / 100:.2f}"},
            f"booking_cancelled:{booking['id']}", app.config["AWS_REGION"], app.config["MAIL_FROM"],
        )


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id):
    now = datetime.now(timezone.utc)
    with get_conn() as conn:
        booking = conn.execute(
            "SELECT id, customer_id, starts_at, deposit_cents, payment_intent_id, status "
            "FROM bookings WHERE id = %s AND customer_id = %s",  # ok: SEC018
            (booking_id, g.user["id"]),
        ).fetchone()
        if booking is None:
            return jsonify({"error": "booking not found"}), 404
        if booking["status"] != "confirmed":
            return jsonify({"error": f"booking is {booking['status']}"}), 409

        refund = _refund_cents(booking, now)
        if refund:
            for attempt in range(3):  # ok: REL002
                try:
                    stripe.Refund.create(  # expect: REL003, REL004
                        payment_intent=booking["payment_intent_id"],
                        amount=refund,
                        api_key=current_app.config["STRIPE_API_KEY"],
                    )
                    break
                except stripe.error.APIConnectionError:
                    logger.warning("refund attempt %s failed booking=%s", attempt + 1, booking_id)
                    time.sleep(2 ** attempt)
            else:
                return jsonify({"error": "refund could not be processed, please try again"}), 502

        conn.execute(  # expect: DB005
            "UPDATE bookings SET status = 'cancelled', cancelled_at = %s, refunded_cents = %s WHERE id = %s",
            (now, refund, booking_id),
        )
        conn.commit()

    app = current_app._get_current_object()
    threading.Thread(target=_notify_cancelled, args=(app, booking, refund), daemon=True).start()  # expect: CON003, REL005
    logger.info("booking cancelled id=%s user=%s refund=%s", booking_id, g.user["id"], refund)
    return jsonify({"id": booking_id, "status": "cancelled", "refund_cents": refund})


def expire_unpaid():
    """Scheduled: release bookings whose deposit never cleared."""
    with db.pool.connection() as conn:
        expired = conn.execute(
            "UPDATE bookings SET status = 'expired' "
            "WHERE status = 'pending' AND created_at < now() - interval '30 minutes' RETURNING id"
        ).fetchall()
        conn.commit()
    if expired:
        logger.info("expired %s unpaid bookings", len(expired))
    return len(expired)
