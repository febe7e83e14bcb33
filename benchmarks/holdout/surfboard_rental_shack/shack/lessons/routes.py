"""Surf lesson bookings from the website, per instructor and day."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from bson import ObjectId
from bson.errors import InvalidId
from flask import Blueprint, g, jsonify, request

from shack.auth import customer_required, staff_required
from shack.db import get_db
from shack.forecast.client import get_forecast_client

logger = logging.getLogger(__name__)

bp = Blueprint("lessons", __name__, url_prefix="/lessons")

MAX_LESSONS_PER_DAY = 5
BOOKINGS_PER_MINUTE = 10
MAX_WIND_KNOTS = 22

_instructor_day_load: dict[tuple[str, str], int] = {}
_recent_attempts: dict[str, list[float]] = {}


def _too_many_attempts(client_key: str) -> bool:
    now = time.monotonic()
    recent = [t for t in _recent_attempts.get(client_key, []) if now - t < 60]
    recent.append(now)
    _recent_attempts[client_key] = recent  # expect: SCL001, CON002
    return len(recent) > BOOKINGS_PER_MINUTE


@bp.get("/instructors/<instructor_id>/<day>")
def instructor_day(instructor_id: str, day: str):
    lessons = get_db().lessons.find(
        {"instructor_id": instructor_id, "starts_at": {"$gte": datetime.fromisoformat(day)}, "status": "booked"},
        {"starts_at": 1},
    ).sort("starts_at", 1).limit(MAX_LESSONS_PER_DAY)
    return jsonify(slots_taken=[lesson["starts_at"].isoformat() for lesson in lessons])


@bp.post("/book")
@customer_required
def book():
    if _too_many_attempts(request.headers.get("X-Forwarded-For", request.remote_addr or "unknown")):
        return jsonify(error="too many attempts, try again in a minute"), 429
    body = request.get_json(silent=True) or {}
    try:
        instructor_id = str(body["instructor_id"])
        spot_id = str(body["spot_id"])
        starts_at = datetime.fromisoformat(body["starts_at"]).astimezone(timezone.utc)
    except (KeyError, ValueError):
        return jsonify(error="instructor_id, spot_id and starts_at are required"), 400

    db = get_db()
    key = (instructor_id, starts_at.date().isoformat())
    load = _instructor_day_load.get(key)
    if load is None:
        day_start = starts_at.replace(hour=0, minute=0, second=0, microsecond=0)
        load = db.lessons.count_documents(
            {"instructor_id": instructor_id, "status": "booked", "starts_at": {"$gte": day_start, "$lt": day_start.replace(hour=23, minute=59)}}
        )
    if load >= MAX_LESSONS_PER_DAY:  # expect: DB005
        return jsonify(error="that instructor is fully booked that day"), 409

    conditions = get_forecast_client().conditions_for(spot_id, starts_at)  # todo-expect: ERR003
    if conditions["wind_knots"] > MAX_WIND_KNOTS:
        return jsonify(error="conditions look unsafe for a lesson then", forecast=conditions), 409

    lesson_id = db.lessons.insert_one(
        {
            "instructor_id": instructor_id,
            "spot_id": spot_id,
            "customer_id": g.customer_id,
            "starts_at": starts_at,
            "status": "booked",
            "created_at": datetime.now(timezone.utc),
        }
    ).inserted_id
    _instructor_day_load[key] = load + 1  # expect: CON002, SCL001
    logger.info("lesson %s booked with instructor %s for customer %s", lesson_id, instructor_id, g.customer_id)
    return jsonify(lesson_id=str(lesson_id)), 201


@bp.post("/<lesson_id>/cancel")
@staff_required("manager", "instructor")
def cancel(lesson_id: str):
    try:
        oid = ObjectId(lesson_id)
    except InvalidId:
        return jsonify(error="lesson not found"), 404
    result = get_db().lessons.update_one({"_id": oid, "status": "booked"}, {"$set": {"status": "cancelled_by_staff"}})
    if result.modified_count != 1:
        return jsonify(error="lesson not found or already cancelled"), 404
    logger.info("lesson %s cancelled by staff %s", lesson_id, g.staff_id)
    return jsonify(status="cancelled")
