"""Webhook receiver: vendors report completed calibrations and push certificates."""
from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date

import boto3
import requests
from botocore.config import Config as BotoConfig
from flask import Blueprint, current_app, jsonify, request

from .db import cursor

logger = logging.getLogger(__name__)
bp = Blueprint("vendor_webhooks", __name__, url_prefix="/webhooks")

_s3 = boto3.client("s3", config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}))
CERT_MAX_BYTES = 20 * 1024 * 1024


def _signature_valid(raw_body: bytes, signature: str | None) -> bool:
    secret = current_app.config["VENDOR_WEBHOOK_SECRET"].encode()
    if not secret or not signature:
        return False
    expected = hmac.new(secret, raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _store_certificate(url: str, key: str) -> None:
    """Stream the vendor's PDF straight into S3 without holding it in memory."""
    with requests.get(url, stream=True, timeout=(3.05, 30)) as resp:  # ok: RES003
        resp.raise_for_status()
        if int(resp.headers.get("Content-Length") or 0) > CERT_MAX_BYTES:
            raise ValueError("certificate larger than allowed")
        resp.raw.decode_content = True
        _s3.upload_fileobj(
            resp.raw,
            current_app.config["CERT_BUCKET"],
            key,
            ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
        )


@bp.post("/vendors/calibration-completed")
def calibration_completed():
    raw = request.get_data(cache=True)
    if not _signature_valid(raw, request.headers.get("X-Vendor-Signature")):
        return jsonify(error="invalid signature"), 401
    event = request.get_json(silent=True) or {}
    try:
        event_id = str(event["event_id"])
        booking_ref = str(event["booking_ref"])
        performed_on = date.fromisoformat(event["performed_on"])
        result = event["result"]
    except (KeyError, ValueError):
        return jsonify(error="malformed event"), 400

    with cursor() as cur:
        cur.execute(
            "SELECT id, instrument_id, vendor_id FROM service_bookings WHERE vendor_booking_ref = %s FOR UPDATE",
            (booking_ref,),
        )
        booking = cur.fetchone()
        if booking is None:
            return jsonify(error="unknown booking"), 404

        cur.execute(
            "INSERT INTO vendor_events (event_id, vendor_booking_ref, received_at) VALUES (%s, %s, now()) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",  # ok: DB005
            (event_id, booking_ref),
        )
        if cur.fetchone() is None:
            return jsonify(status="duplicate"), 200

        key = f"certificates/{booking['instrument_id']}/{event_id}.pdf"
        if event.get("certificate_url"):
            _store_certificate(event["certificate_url"], key)
        cur.execute(
            "INSERT INTO calibration_records (instrument_id, performed_on, vendor_id, result, certificate_key) "
            "VALUES (%s, %s, %s, %s, %s)",
            (booking["instrument_id"], performed_on, booking["vendor_id"], result, key if event.get("certificate_url") else None),
        )
        cur.execute(
            "UPDATE instruments SET next_due_date = %s::date + calibration_interval_days, status = 'in_service' "
            "WHERE id = %s",
            (performed_on, booking["instrument_id"]),
        )
        cur.execute("UPDATE service_bookings SET status = 'completed' WHERE id = %s", (booking["id"],))
    logger.info("calibration recorded", extra={"event_id": event_id, "booking_id": booking["id"]})
    return jsonify(status="recorded"), 200
