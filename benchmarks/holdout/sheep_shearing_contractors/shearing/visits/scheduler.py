"""Farm visit scheduling (v2): capacity is checked with the gang row locked."""
import logging
from datetime import date

from flask import Blueprint, abort, g, jsonify, request

from shearing.auth import login_required
from shearing.db import get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("visits_v2", __name__, url_prefix="/v2/visits")


class GangFull(Exception):
    def __init__(self, booked: int):
        super().__init__(booked)
        self.booked = booked


def book_visit(contractor_id: int, gang_id: int, farm_id: int, visit_date: date, expected_head: int) -> int | None:
    """Insert a visit if the gang has room that day; None if gang or farm is not ours."""
    with get_cursor() as cur:
        # Every booking for this gang serialises on its row until commit.
        cur.execute(
            "SELECT daily_head_capacity FROM gangs WHERE id = %s AND contractor_id = %s FOR UPDATE",
            (gang_id, contractor_id),
        )
        gang = cur.fetchone()
        cur.execute("SELECT 1 FROM farms WHERE id = %s AND contractor_id = %s", (farm_id, contractor_id))
        if gang is None or cur.fetchone() is None:
            return None

        cur.execute(  # ok: DB005
            "SELECT COALESCE(SUM(expected_head), 0) AS head FROM visits "
            "WHERE gang_id = %s AND visit_date = %s AND status <> 'cancelled'",
            (gang_id, visit_date),
        )
        booked = cur.fetchone()["head"]
        if booked + expected_head > gang["daily_head_capacity"]:
            raise GangFull(booked)

        cur.execute(
            "INSERT INTO visits (gang_id, farm_id, visit_date, expected_head, status) "
            "VALUES (%s, %s, %s, %s, 'booked') RETURNING id",
            (gang_id, farm_id, visit_date, expected_head),
        )
        return cur.fetchone()["id"]


@bp.post("")
@login_required
def schedule_visit():
    payload = request.get_json(silent=True) or {}
    try:
        gang_id, farm_id = int(payload["gang_id"]), int(payload["farm_id"])
        visit_date = date.fromisoformat(payload["visit_date"])
        expected_head = int(payload["expected_head"])
    except (KeyError, TypeError, ValueError):
        abort(400, "gang_id, farm_id, visit_date and expected_head are required")
    if not 0 < expected_head <= 20000:
        abort(400, "expected_head must be between 1 and 20000")

    try:
        visit_id = book_visit(g.user["contractor_id"], gang_id, farm_id, visit_date, expected_head)
    except GangFull as full:
        return jsonify(error=f"Gang already has {full.booked} head booked on {visit_date}"), 409
    if visit_id is None:
        abort(404)
    logger.info("visit %s booked: gang %s at farm %s on %s", visit_id, gang_id, farm_id, visit_date)
    return jsonify(id=visit_id), 201


@bp.get("/search")
@login_required
def search_visits():
    """Prefix search on farm name, served by the index on lower(farms.name) text_pattern_ops."""
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return jsonify([])
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with get_cursor() as cur:
        cur.execute(  # ok: SEC001
            """SELECT v.id, v.visit_date, f.name AS farm, f.region
                 FROM visits v JOIN farms f ON f.id = v.farm_id
                WHERE f.contractor_id = %s
                  AND lower(f.name) LIKE lower(%s)
                ORDER BY v.visit_date DESC
                LIMIT 50""",
            (g.user["contractor_id"], escaped + "%"),
        )
        return jsonify(cur.fetchall())
