"""Public trip catalogue, trip detail and the river flow chart."""
import logging
from datetime import date, datetime, timedelta, timezone

import requests
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.orm import joinedload

from . import db
from .clients import flood_alerts, river_levels
from .models import Trip

bp = Blueprint("trips", __name__)
logger = logging.getLogger(__name__)

MAX_CHART_DAYS = 31


def _trip_json(trip):
    return {
        "id": trip.id,
        "name": trip.name,
        "section": trip.river_section,
        "departs_at": trip.departs_at.isoformat(),
        "duration_minutes": trip.duration_minutes,
        "seats_left": max(trip.capacity - trip.seats_booked, 0),
        "price_cents": trip.price_cents,
        "guide": trip.guide.display_name if trip.guide else None,
    }


def _parse_day(raw, default):
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.get("/trips")
def list_trips():
    per_page = min(request.args.get("per_page", 20, type=int), 50)
    page = request.args.get("page", 1, type=int)
    query = (
        db.select(Trip)
        .where(Trip.status == "scheduled", Trip.departs_at >= datetime.now(timezone.utc))
        .options(joinedload(Trip.guide))
        .order_by(Trip.departs_at)
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(items=[_trip_json(t) for t in result.items], page=page, total=result.total)  # ok: DB001


@bp.get("/trips/<int:trip_id>")
def trip_detail(trip_id):
    trip = db.get_or_404(Trip, trip_id)
    body = _trip_json(trip)
    if trip.flood_zone:
        body["flood_risk"] = flood_alerts.trip_at_risk(trip.flood_zone, current_app.config["FLOOD_FEED_BASE"])
    return jsonify(body)


@bp.get("/trips/<int:trip_id>/flow")
def trip_flow(trip_id):
    trip = db.get_or_404(Trip, trip_id)
    today = date.today()
    start = _parse_day(request.args.get("start"), today - timedelta(days=7))
    end = _parse_day(request.args.get("end"), today)
    if start is None or end is None or end < start:
        return jsonify(error="start and end must be ISO dates, start before end"), 400
    if (end - start).days > MAX_CHART_DAYS:
        return jsonify(error=f"at most {MAX_CHART_DAYS} days per chart"), 400
    try:
        points = river_levels.flow_history(trip.gauge_id, start.isoformat(), end.isoformat())
    except requests.RequestException:
        logger.warning("flow history unavailable for gauge %s", trip.gauge_id, exc_info=True)
        return jsonify(error="river gauge data is unavailable right now"), 503
    return jsonify(gauge=trip.gauge_id, points=[{"t": t, "cfs": v} for t, v in points])
