"""Webhook from the calendar service: technicians blocking or freeing time.

The calendar service signs each delivery with HMAC-SHA256 over the raw body
and may deliver the same event more than once.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime

from flask import Blueprint, abort, current_app, jsonify, request

from ..db import connection

log = logging.getLogger(__name__)
bp = Blueprint("calendar_webhook", __name__, url_prefix="/webhooks")

MAX_BODY_BYTES = 64 * 1024
HANDLED_TYPES = frozenset({"block.created", "block.updated", "block.deleted"})


def _verified_body() -> bytes:
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:  # ok: SEC019
        abort(413)
    body = request.get_data(cache=False)
    secret = current_app.config["CALENDAR_WEBHOOK_SECRET"].encode()
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()  # ok: SEC009
    received = request.headers.get("X-Calendar-Signature", "")
    if not secret or not hmac.compare_digest(expected, received):
        log.warning("calendar webhook with bad signature rejected")
        abort(401)
    return body


@bp.post("/calendar")
def calendar_event():
    body = _verified_body()
    try:
        event = json.loads(body)
        event_id = str(event["id"])
        event_type = event["type"]
        block = event["data"]
    except (ValueError, KeyError, TypeError):
        abort(400, description="malformed event")

    if event_type not in HANDLED_TYPES:
        return "", 204

    with connection() as conn:
        first_delivery = conn.execute("INSERT INTO calendar_events_seen (event_id, received_at) VALUES (%s, now()) ON CONFLICT (event_id) DO NOTHING RETURNING event_id", (event_id,)).fetchone()  # ok: DB005
        if first_delivery is None:
            log.info("calendar event %s already processed", event_id)
            return "", 204

        if event_type == "block.deleted":
            conn.execute(
                "DELETE FROM technician_blocks WHERE external_id = %s", (block["id"],)
            )
        else:
            conn.execute(
                "INSERT INTO technician_blocks (external_id, technician_id, starts_at, ends_at, reason)"
                " VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (external_id) DO UPDATE SET starts_at = EXCLUDED.starts_at,"
                " ends_at = EXCLUDED.ends_at, reason = EXCLUDED.reason",
                (
                    block["id"],
                    int(block["technician_id"]),
                    datetime.fromisoformat(block["start"]),
                    datetime.fromisoformat(block["end"]),
                    str(block.get("reason", ""))[:200],
                ),
            )
    log.info("calendar event %s (%s) applied for block %s", event_id, event_type, block["id"])
    return jsonify(status="applied"), 200
