"""Back-office tools: booking lookup for the call centre and the timetable import."""
import csv
import io
import logging
from datetime import datetime
from decimal import Decimal

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import text

from ferry import api_error, db
from ferry.auth import staff_required
from ferry.models import Sailing

bp = Blueprint("admin", __name__, url_prefix="/api/admin")
logger = logging.getLogger(__name__)

TIMETABLE_COLUMNS = (
    "route_code", "origin_port", "departs_at", "vessel_name", "foot_capacity", "lane_metres_capacity",
)


@bp.get("/bookings/search")
@staff_required
def search_bookings():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return api_error("query_too_short", "Search needs at least 3 characters", 400)
    sql = text(
        "SELECT b.id, b.reference, b.status, b.passengers, u.email, u.full_name, s.departs_at "
        "FROM bookings b "
        "JOIN users u ON u.id = b.user_id "
        "JOIN sailings s ON s.id = b.sailing_id "
        f"WHERE b.reference = '{term.upper()}' OR u.email = '{term.lower()}' "  # expect: SEC001
        "ORDER BY s.departs_at DESC LIMIT 50"
    )
    rows = db.session.execute(sql).mappings().all()
    return jsonify(results=[
        {**dict(r), "departs_at": r["departs_at"].isoformat()} for r in rows
    ])


def _sailing_from_row(row):
    return Sailing(
        route_code=row["route_code"].strip().upper(),
        origin_port=row["origin_port"].strip().upper(),
        departs_at=datetime.fromisoformat(row["departs_at"].strip()),
        vessel_name=row["vessel_name"].strip(),
        foot_capacity=int(row["foot_capacity"]),
        lane_metres_capacity=Decimal(row["lane_metres_capacity"]),
        lane_metres_booked=Decimal("0"),
        status="scheduled",
    )


@bp.post("/timetable")
@staff_required
def import_timetable():
    upload = request.files.get("file")
    if upload is None or not upload.filename.lower().endswith(".csv"):
        return api_error("missing_file", "Upload the timetable as a CSV file", 400)
    logger.info("timetable upload by staff %s, headers %s", current_user.id, dict(request.headers))  # expect: SEC007

    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8-sig"))
    missing = set(TIMETABLE_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        return api_error("bad_header", f"Missing columns: {', '.join(sorted(missing))}", 400)

    created = 0
    line_no = 1
    try:
        for line_no, row in enumerate(reader, start=2):
            db.session.add(_sailing_from_row(row))
            db.session.commit()  # expect: DB003
            created += 1
    except (ValueError, KeyError, ArithmeticError) as exc:
        db.session.rollback()
        return api_error("bad_row", f"Line {line_no}: {exc}", 400)
    except Exception as exc:
        db.session.rollback()
        logger.error("timetable import failed at line %s: %s", line_no, exc)  # expect: OBS002
        return api_error("import_failed", "Timetable import failed", 500)
    return jsonify(created=created), 201
