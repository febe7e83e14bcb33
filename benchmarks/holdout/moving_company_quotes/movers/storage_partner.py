"""Stowaway Units partner API: short-term storage between move-out and move-in."""
import logging
import os
import time
import uuid
from datetime import date

import requests
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from movers.models import QuoteRequest, StorageBooking, db

log = logging.getLogger(__name__)
bp = Blueprint("stowaway", __name__, url_prefix="/storage/stowaway")

STOWAWAY_BASE = "https://partners.stowaway-units.example/v2"
STOWAWAY_KEY = os.environ["STOWAWAY_API_KEY"]  # expect: MNT002
UNIT_SIZES = ("5x5", "5x10", "10x10", "10x15", "10x20")


def _headers():
    return {"Authorization": f"Bearer {STOWAWAY_KEY}", "Accept": "application/json"}


def available_units(zip_code, start):
    resp = requests.get(  # expect: REL001
        f"{STOWAWAY_BASE}/availability",
        params={"zip": zip_code, "start": start.isoformat()},
        headers=_headers(),
        verify=False,  # expect: SEC011
    )
    resp.raise_for_status()
    return resp.json()["units"]


def reserve_unit(payload):
    log.info("stowaway reserve request headers=%s body=%s", _headers(), payload)  # expect: SEC007
    while True:  # expect: REL002
        try:
            resp = requests.post(f"{STOWAWAY_BASE}/reservations", json=payload,  # expect: REL003
                                 headers=_headers(), timeout=15)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException as exc:
            log.warning("stowaway reservation failed (%s), retrying", exc)
            time.sleep(2)


@bp.get("/units")
@login_required
def list_units():
    try:
        start = date.fromisoformat(request.args["start"])
    except (KeyError, ValueError):
        return jsonify(error="invalid_start"), 400
    units = available_units(request.args.get("zip", ""), start)  # todo-expect: ERR003
    return jsonify([u for u in units if u.get("size") in UNIT_SIZES])


@bp.post("/quotes/<int:quote_id>/reserve")
@login_required
def reserve_for_quote(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    body = request.get_json(force=True)
    size = body.get("unit_size")
    if size not in UNIT_SIZES:
        return jsonify(error="invalid_size"), 400
    ref = uuid.uuid4().hex
    result = reserve_unit({
        "facility_id": body.get("facility_id"),
        "size": size,
        "start": quote.move_date.isoformat(),
        "customer": {"name": current_user.full_name, "email": current_user.email},
    })
    booking = StorageBooking(quote_id=quote.id, partner="stowaway", request_ref=ref,
                             external_ref=result["reservation_id"], unit_size=size,
                             status="confirmed")
    db.session.add(booking)
    db.session.commit()  # expect: REL004
    return jsonify(id=booking.id, reservation=result["reservation_id"]), 201
