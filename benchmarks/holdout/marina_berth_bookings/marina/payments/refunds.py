"""Refunds for cancelled stays: owners ask, the harbour office approves, a task pays out."""
import logging

import requests
import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from marina.app import celery
from marina.models import Booking, Owner, RefundRequest, db

log = logging.getLogger(__name__)
bp = Blueprint("refunds", __name__, url_prefix="/api/refunds")


@bp.post("/bookings/<int:booking_id>")
@login_required
def request_refund(booking_id):
    log.info("refund request headers=%s body=%s", dict(request.headers), request.get_data(as_text=True))  # expect: SEC007
    booking = Booking.query.filter_by(id=booking_id, owner_id=current_user.id).first_or_404()
    if booking.status != "cancelled" or not booking.payment_intent_id:
        abort(409, "only paid, cancelled bookings can be refunded")
    payload = request.get_json(silent=True) or {}
    amount = int(payload.get("amount_pence", booking.amount_pence))
    if not 0 < amount <= booking.amount_pence:
        abort(400, "amount out of range")
    refund_request = RefundRequest(booking_id=booking.id, amount_pence=amount, status="requested")
    db.session.add(refund_request)
    db.session.commit()
    return jsonify(id=refund_request.id, status=refund_request.status), 201


@bp.post("/<int:refund_id>/approve")
@login_required
def approve_refund(refund_id):
    if not current_user.is_harbourmaster:
        abort(403)
    refund_request = RefundRequest.query.filter_by(id=refund_id, status="requested").first_or_404()
    refund_request.status = "approved"
    db.session.commit()
    issue_refund.delay(refund_request.id)
    return jsonify(id=refund_request.id, status="approved")


@celery.task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def issue_refund(self, refund_request_id):
    refund_request = db.session.get(RefundRequest, refund_request_id)
    if refund_request is None or refund_request.status not in ("approved", "issuing"):
        return
    booking = refund_request.booking
    refund_request.status = "issuing"
    db.session.commit()

    refund = stripe.Refund.create(  # expect: REL003
        payment_intent=booking.payment_intent_id,
        amount=refund_request.amount_pence,
        metadata={"refund_request_id": refund_request.id, "booking_id": booking.id},
    )
    refund_request.stripe_refund_id = refund.id
    refund_request.status = "issued" if refund.status == "succeeded" else refund.status
    db.session.commit()
    _send_receipt(refund_request, booking)


def _send_receipt(refund_request, booking):
    owner = db.session.get(Owner, booking.owner_id)
    try:
        resp = requests.post(
            current_app.config["MAIL_API_URL"],
            json={
                "to": owner.email,
                "template": "refund-issued",
                "vars": {"amount": f"£{refund_request.amount_pence / 100:.2f}", "booking": booking.id},
            },
            timeout=10,
        )
        resp.raise_for_status()
    except Exception as exc:
        log.error("refund receipt for request %s not sent: %s", refund_request.id, exc)  # expect: OBS002
