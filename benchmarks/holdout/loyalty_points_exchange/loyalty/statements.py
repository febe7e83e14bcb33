"""Member statements: the activity feed in the app and downloadable monthly PDFs."""
from __future__ import annotations

import logging
import os
from datetime import datetime

import boto3
from botocore.config import Config
from flask import Blueprint, jsonify, request

from loyalty import db
from loyalty.auth import current_member_id, member_required

log = logging.getLogger(__name__)
bp = Blueprint("statements", __name__, url_prefix="/me")

PAGE_SIZE = 30
STATEMENT_BUCKET = os.environ.get("STATEMENT_BUCKET", "lpx-member-statements")

_s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=10, signature_version="s3v4"))


@bp.get("/activity")
@member_required
def activity():
    member_id = current_member_id()
    before = request.args.get("before")
    try:
        before_ts = datetime.fromisoformat(before) if before else None
    except ValueError:
        return jsonify({"error": "invalid_cursor"}), 400

    rows = db.fetch_page(  # ok: DB002, SEC018
        """
        SELECT l.id, l.kind, l.points, l.created_at, e.partner_code, p.display_name AS partner_name
        FROM ledger l
        LEFT JOIN earn_events e ON l.kind = 'earn' AND e.id = l.earn_event_id
        LEFT JOIN partners p ON p.code = e.partner_code
        WHERE l.member_id = %(member)s
          AND (%(before)s::timestamptz IS NULL OR l.created_at < %(before)s)
        ORDER BY l.created_at DESC, l.id DESC
        LIMIT %(limit)s
        """,
        {"member": member_id, "before": before_ts, "limit": PAGE_SIZE},
        PAGE_SIZE,
    )
    next_cursor = rows[-1]["created_at"].isoformat() if len(rows) == PAGE_SIZE else None
    return jsonify({"items": rows, "next": next_cursor})


@bp.get("/balance")
@member_required
def balance():
    row = db.fetch_one(
        "SELECT points, lifetime_points, tier FROM members WHERE id = %s", (current_member_id(),)
    )
    if row is None:
        return jsonify({"error": "not_found"}), 404
    return jsonify(row)


@bp.get("/statements")
@member_required
def list_statements():
    rows = db.fetch_page(
        "SELECT id, period, created_at FROM statements WHERE member_id = %s ORDER BY period DESC LIMIT %s",
        (current_member_id(), 24),
        24,
    )
    return jsonify({"statements": rows})


@bp.get("/statements/<int:statement_id>/download")
@member_required
def download_statement(statement_id: int):
    row = db.fetch_one(
        "SELECT s3_key FROM statements WHERE id = %s AND member_id = %s",
        (statement_id, current_member_id()),
    )
    if row is None:
        return jsonify({"error": "not_found"}), 404
    url = _s3.generate_presigned_url(  # ok: SEC015
        "get_object",
        Params={"Bucket": STATEMENT_BUCKET, "Key": row["s3_key"]},
        ExpiresIn=300,
    )
    log.info("statement %s download link issued to member %s", statement_id, current_member_id())
    return jsonify({"url": url, "expires_in": 300})
