"""Group deposits: capture at booking, refund when a venue cancels."""
import logging
import time

import requests
from flask import Blueprint, current_app, jsonify

from escape.auth import current_venue_id, staff_required
from escape.db import get_conn, get_cursor

logger = logging.getLogger("escape.deposits")
bp = Blueprint("deposits", __name__, url_prefix="/manage")

_http = requests.Session()


def _pay_api(path: str, payload: dict, idempotency_key: str | None = None) -> requests.Response:
    cfg = current_app.config
    headers = {"Authorization": f"Bearer {cfg['PAYMENTS_API_KEY']}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return _http.post(f"{cfg['PAYMENTS_API_URL']}{path}", json=payload, headers=headers, timeout=cfg["HTTP_TIMEOUT"])


def _load_booking(booking_id: int, venue_id: int) -> dict | None:
    with get_cursor() as cur:
        cur.execute(
            "SELECT b.id, b.deposit_pence, b.deposit_status, b.deposit_ref, b.payment_method_ref "
            "FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN rooms r ON r.id = s.room_id "
            "WHERE b.id = %s AND r.venue_id = %s",
            (booking_id, venue_id),
        )
        return cur.fetchone()


@bp.post("/bookings/<int:booking_id>/deposit/capture")
@staff_required("manager")
def capture_deposit(booking_id: int):
    booking = _load_booking(booking_id, current_venue_id())
    if booking is None:
        return jsonify(error="Not Found", detail="No such booking."), 404
    if booking["deposit_status"] == "paid":
        return jsonify(status="paid", reference=booking["deposit_ref"])

    charge = None
    for attempt in range(4):
        try:
            resp = _pay_api(  # expect: REL003, REL004
                "/charges",
                {"amount": booking["deposit_pence"], "currency": "GBP", "source": booking["payment_method_ref"],
                 "description": f"Deposit for booking {booking_id}"},
            )
            if resp.status_code < 500:
                resp.raise_for_status()
                charge = resp.json()
                break
        except requests.Timeout:
            logger.warning("payments API timed out for booking %s (attempt %d)", booking_id, attempt + 1)
        time.sleep(2**attempt)
    if charge is None:
        return jsonify(error="Bad Gateway", detail="Payment provider unavailable."), 502

    try:
        with get_conn() as conn, conn.cursor() as cur:
            cur.execute(
                "UPDATE bookings SET deposit_status = 'paid', deposit_ref = %s, status = 'confirmed' WHERE id = %s",
                (charge["id"], booking_id),
            )
    except Exception as exc:
        logger.error(f"could not record deposit {charge['id']} for booking {booking_id}: {exc}")  # expect: OBS002
        return jsonify(error="Internal Server Error", detail="Deposit taken but not recorded; staff have been alerted."), 500
    logger.info("deposit %s captured for booking %s", charge["id"], booking_id)
    return jsonify(status="paid", reference=charge["id"])


@bp.post("/bookings/<int:booking_id>/deposit/refund")
@staff_required("manager")
def refund_deposit(booking_id: int):
    booking = _load_booking(booking_id, current_venue_id())
    if booking is None or booking["deposit_status"] != "paid":
        return jsonify(error="Conflict", detail="No captured deposit to refund."), 409
    resp = _pay_api(  # ok: REL003
        "/refunds",
        {"charge": booking["deposit_ref"], "reason": "venue_cancelled"},
        idempotency_key=f"refund-{booking['deposit_ref']}",
    )
    resp.raise_for_status()
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("UPDATE bookings SET deposit_status = 'refunded' WHERE id = %s", (booking_id,))
    logger.info("deposit for booking %s refunded", booking_id)
    return jsonify(status="refunded")


def remind_unpaid_deposits(app) -> int:
    """E-mail customers whose deposit is still unpaid within 48 hours of their game."""
    with app.app_context():
        cfg = app.config
        with get_cursor() as cur:
            cur.execute(
                "SELECT b.id, b.customer_email, b.customer_name, s.starts_at FROM bookings b "
                "JOIN slots s ON s.id = b.slot_id WHERE b.deposit_status = 'pending' "
                "AND b.status = 'provisional' AND b.deposit_reminder_sent_at IS NULL "
                "AND s.starts_at BETWEEN now() AND now() + interval '48 hours'"
            )
            due = cur.fetchall()
        for booking in due:
            _http.post(
                cfg["MAIL_API_URL"],
                headers={"Authorization": f"Bearer {cfg['MAIL_API_KEY']}"},
                data={"to": booking["customer_email"], "template": "deposit-reminder",
                      "name": booking["customer_name"], "starts_at": booking["starts_at"].isoformat()},
                timeout=cfg["HTTP_TIMEOUT"],
            ).raise_for_status()
            with get_cursor() as cur:
                cur.execute("UPDATE bookings SET deposit_reminder_sent_at = now() WHERE id = %s", (booking["id"],))
        logger.info("sent %d deposit reminders", len(due))
        return len(due)
