"""Service bookings with external calibration vendors."""
from __future__ import annotations

import logging
import threading
from datetime import datetime

import boto3
import requests
from flask import Blueprint, current_app, g, jsonify, request
from psycopg2.extras import execute_batch

from . import instrument_repository as repo
from .auth import login_required
from .db import cursor
from .vendor_client import VendorAPIError, VendorClient

logger = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/bookings")


def _send_booking_confirmation(booking_id: int, to_email: str, vendor_name: str, slot_start: datetime, sender: str, region: str) -> None:
    ses = boto3.client("ses", region_name=region)
    ses.send_email(
        Source=sender,
        Destination={"ToAddresses": [to_email]},
        Message={
            "Subject": {"Data": f"Calibration booked with {vendor_name}"},
            "Body": {"Text": {"Data": f"Booking #{booking_id} is requested for {slot_start:%d %b %Y %H:%M}."}},
        },
    )


@bp.post("")
@login_required
def create_booking():
    data = request.get_json(silent=True) or {}
    try:
        instrument_id = int(data["instrument_id"])
        vendor_id = int(data["vendor_id"])
        slot_start = datetime.fromisoformat(data["slot_start"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="instrument_id, vendor_id and slot_start are required"), 400

    instrument = repo.get_instrument_for_lab(instrument_id, g.user["lab_id"])  # ok: SEC018
    if instrument is None:
        return jsonify(error="instrument not found"), 404

    with cursor() as cur:
        cur.execute("SELECT id, name, api_base FROM vendors WHERE id = %s", (vendor_id,))
        vendor = cur.fetchone()
        cur.execute(
            "SELECT 1 FROM service_bookings WHERE vendor_id = %s AND slot_start = %s AND status <> 'cancelled'",
            (vendor_id, slot_start),
        )
        taken = cur.fetchone()
    if vendor is None:
        return jsonify(error="vendor not found"), 404
    if taken:  # expect: DB005
        return jsonify(error="slot already booked"), 409

    resp = requests.post(  # expect: REL001, REL003
        f"{vendor['api_base']}/bookings",
        json={"serial_no": instrument["serial_no"], "slot_start": slot_start.isoformat(), "site": g.user["lab_id"]},
        headers={"Authorization": f"Bearer {current_app.config['VENDOR_PORTAL_API_KEY']}"},
    )
    if resp.status_code >= 400:
        return jsonify(error="vendor rejected the booking", detail=resp.text[:200]), 502
    vendor_ref = resp.json()["booking_ref"]

    with cursor() as cur:
        cur.execute(  # expect: REL004
            "INSERT INTO service_bookings (instrument_id, vendor_id, lab_id, slot_start, vendor_booking_ref, status, created_by) "
            "VALUES (%s, %s, %s, %s, %s, 'requested', %s) RETURNING id",
            (instrument_id, vendor_id, g.user["lab_id"], slot_start, vendor_ref, g.user["id"]),
        )
        booking_id = cur.fetchone()["id"]

    cfg = current_app.config
    threading.Thread(  # expect: CON003, REL005
        target=_send_booking_confirmation,
        args=(booking_id, g.user["email"], vendor["name"], slot_start, cfg["ALERT_SENDER"], cfg["AWS_REGION"]),
    ).start()
    return jsonify(id=booking_id, vendor_ref=vendor_ref, status="requested"), 201


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    with cursor() as cur:
        cur.execute(  # expect: SEC018
            "UPDATE service_bookings b SET status = 'cancelled', cancelled_by = %s "
            "FROM vendors v WHERE b.id = %s AND v.id = b.vendor_id AND b.status <> 'cancelled' "
            "RETURNING b.vendor_booking_ref, v.api_base",
            (g.user["id"], booking_id),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="booking not found"), 404
    try:
        with VendorClient(row["api_base"], current_app.config["VENDOR_PORTAL_API_KEY"]) as vendor:
            vendor.cancel_booking(row["vendor_booking_ref"])
    except (VendorAPIError, requests.RequestException):
        logger.exception("vendor cancellation failed", extra={"booking_id": booking_id})
        return jsonify(id=booking_id, status="cancelled", vendor_notified=False), 200  # ok: ERR002
    return jsonify(id=booking_id, status="cancelled", vendor_notified=True)


def sync_booking_statuses() -> None:
    """Pull confirmation status for requested bookings from the legacy vendor portal."""
    with cursor() as cur:
        cur.execute(
            "SELECT id, vendor_booking_ref FROM service_bookings WHERE status = 'requested' ORDER BY id LIMIT 500"
        )
        pending = cur.fetchall()

    portal = current_app.config["LEGACY_PORTAL_URL"]
    updates = []
    for booking in pending:
        try:
            resp = requests.get(f"{portal}/api/bookings/{booking['vendor_booking_ref']}", timeout=10, verify=False)  # expect: SEC011
            updates.append((resp.json()["status"], booking["id"]))
        except Exception:  # expect: ERR001
            continue

    if updates:
        with cursor() as cur:
            execute_batch(cur, "UPDATE service_bookings SET status = %s WHERE id = %s", updates)
        logger.info("booking statuses synced", extra={"updated": len(updates)})
