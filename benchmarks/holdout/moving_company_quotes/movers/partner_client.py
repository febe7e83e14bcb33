"""CubeVault partner API: storage units booked alongside a move."""
import logging
import os

import requests
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from requests.adapters import HTTPAdapter
from sqlalchemy.exc import IntegrityError
from urllib3.util.retry import Retry

from movers.models import QuoteRequest, StorageBooking, db

log = logging.getLogger(__name__)
bp = Blueprint("cubevault", __name__, url_prefix="/storage/cubevault")

BASE_URL = os.environ.get("CUBEVAULT_URL", "https://api.cubevault.example/v1")
TIMEOUT = (3.05, 10)


def _session():
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504),
                  allowed_methods=frozenset({"GET", "POST"}))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Token {os.environ.get('CUBEVAULT_TOKEN', '')}"  # ok: SEC005
    return session


_http = _session()


def quote_units(zip_code, start):
    resp = _http.get(f"{BASE_URL}/units", params={"zip": zip_code, "from": start},
                     timeout=TIMEOUT)  # ok: REL001
    resp.raise_for_status()
    return resp.json().get("units", [])


def create_reservation(booking, facility_id):
    resp = _http.post(
        f"{BASE_URL}/reservations",
        json={"facility": facility_id, "size": booking.unit_size, "quote": booking.quote_id},
        headers={"Idempotency-Key": booking.request_ref},  # ok: REL003
        timeout=TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()["id"]


@bp.get("/units")
@login_required
def units():
    try:
        found = quote_units(request.args.get("zip", ""), request.args.get("start", ""))
    except requests.RequestException:
        log.warning("cubevault availability unavailable for zip %s", request.args.get("zip"),
                    exc_info=True)
        return jsonify(units=[], degraded=True), 200  # ok: ERR002
    return jsonify(units=found, degraded=False)


@bp.post("/quotes/<int:quote_id>/reserve")
@login_required
def reserve(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    body = request.get_json(force=True)
    request_ref = f"cv-{quote.id}-{body.get('unit_size', '')}"
    booking = StorageBooking.query.filter_by(request_ref=request_ref).first()
    if booking is None:
        booking = StorageBooking(quote_id=quote.id, partner="cubevault", request_ref=request_ref,
                                 unit_size=body.get("unit_size", "5x10"), status="requested")
        db.session.add(booking)
        try:
            db.session.commit()  # ok: REL004, DB005
        except IntegrityError:
            db.session.rollback()
            booking = StorageBooking.query.filter_by(request_ref=request_ref).one()
    if booking.status == "confirmed":
        return jsonify(id=booking.id, reservation=booking.external_ref), 200
    try:
        booking.external_ref = create_reservation(booking, body.get("facility_id"))
    except requests.RequestException:
        log.exception("cubevault reservation failed for booking %s", booking.id)
        return jsonify(error="partner_unavailable", booking_id=booking.id), 503
    booking.status = "confirmed"
    db.session.commit()
    return jsonify(id=booking.id, reservation=booking.external_ref), 201
