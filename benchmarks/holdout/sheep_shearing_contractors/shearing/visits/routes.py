"""Farm visits: which gang shears which farm on which day."""
import logging
from datetime import date

from flask import Blueprint, abort, g, jsonify, request

from shearing.auth import login_required
from shearing.db import fetch_one, fetch_page, get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("visits", __name__, url_prefix="/visits")


def _parse_visit(payload: dict) -> tuple[int, int, date, int]:
    try:
        gang_id = int(payload["gang_id"])
        farm_id = int(payload["farm_id"])
        visit_date = date.fromisoformat(payload["visit_date"])
        expected_head = int(payload["expected_head"])
    except (KeyError, TypeError, ValueError):
        abort(400, "gang_id, farm_id, visit_date and expected_head are required")
    if not 0 < expected_head <= 20000:
        abort(400, "expected_head must be between 1 and 20000")
    return gang_id, farm_id, visit_date, expected_head


@bp.get("")
@login_required
def list_visits():
    offset = request.args.get("offset", 0, type=int)
    rows = fetch_page(
        """SELECT v.id, v.visit_date, v.expected_head, v.status, f.name AS farm, gg.name AS gang
             FROM visits v JOIN farms f ON f.id = v.farm_id JOIN gangs gg ON gg.id = v.gang_id
            WHERE gg.contractor_id = %s
            ORDER BY v.visit_date DESC""",
        (g.user["contractor_id"],),
        offset=offset,
    )
    return jsonify(rows)


@bp.post("")
@login_required
def schedule_visit():
    gang_id, farm_id, visit_date, expected_head = _parse_visit(request.get_json(force=True) or {})
    contractor_id = g.user["contractor_id"]

    gang = fetch_one(
        "SELECT id, daily_head_capacity FROM gangs WHERE id = %s AND contractor_id = %s", (gang_id, contractor_id)
    )
    farm = fetch_one("SELECT id FROM farms WHERE id = %s AND contractor_id = %s", (farm_id, contractor_id))
    if gang is None or farm is None:
        abort(404)

    booked = fetch_one(
        "SELECT COALESCE(SUM(expected_head), 0) AS head FROM visits "
        "WHERE gang_id = %s AND visit_date = %s AND status <> 'cancelled'",
        (gang_id, visit_date),
    )["head"]
    if booked + expected_head > gang["daily_head_capacity"]:
        return jsonify(error=f"Gang already has {booked} head booked on {visit_date}"), 409

    with get_cursor() as cur:
        cur.execute(  # expect: DB005
            "INSERT INTO visits (gang_id, farm_id, visit_date, expected_head, status) "
            "VALUES (%s, %s, %s, %s, 'booked') RETURNING id",
            (gang_id, farm_id, visit_date, expected_head),
        )
        visit_id = cur.fetchone()["id"]
    logger.info("visit %s booked: gang %s at farm %s on %s", visit_id, gang_id, farm_id, visit_date)
    return jsonify(id=visit_id), 201


@bp.get("/search")
@login_required
def search_visits():
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return jsonify([])
    with get_cursor() as cur:
        cur.execute(  # expect: SEC001, DB006
            f"""SELECT v.id, v.visit_date, f.name AS farm, f.region
                  FROM visits v JOIN farms f ON f.id = v.farm_id
                 WHERE f.contractor_id = {g.user['contractor_id']}
                   AND f.name ILIKE '%{term}%'
                 ORDER BY v.visit_date DESC
                 LIMIT 50"""
        )
        return jsonify(cur.fetchall())
