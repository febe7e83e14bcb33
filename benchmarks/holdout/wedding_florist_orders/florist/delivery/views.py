"""Delivery desk: the day's van runs with travel estimates, and proof of delivery."""

from __future__ import annotations

import logging
import threading
from datetime import date

import requests
from flask import Blueprint, abort, current_app, jsonify

from florist.auth import staff_required
from florist.db import get_pool, transaction
from florist.delivery.planner import plan_runs

logger = logging.getLogger(__name__)
bp = Blueprint("delivery", __name__, url_prefix="/delivery")

_eta_cache: dict[str, dict] = {}


def _travel_estimate(origin: str, destination: str) -> dict:
    key = f"{origin}|{destination}"
    if key not in _eta_cache:
        resp = requests.get(
            current_app.config["ROUTING_API_URL"],
            params={"from": origin, "to": destination, "mode": "van"},
            timeout=(3.05, 8),  # ok: REL001
        )
        resp.raise_for_status()
        _eta_cache[key] = resp.json()  # expect: RES002
    return _eta_cache[key]


def _send_delivered_sms(api_url: str, token: str, phone: str, couple_name: str) -> None:
    try:
        resp = requests.post(
            api_url,
            json={"to": phone, "text": f"Hi {couple_name}, your wedding flowers have been delivered. Enjoy the day!"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.exception("delivery SMS to order contact failed")


@bp.get("/runs/<run_date>")
@staff_required
def runs_for_day(run_date: str):
    try:
        day = date.fromisoformat(run_date)
    except ValueError:
        abort(400, description="date must be YYYY-MM-DD")
    with get_pool().connection() as conn:
        runs = plan_runs(conn, day, current_app.config["DELIVERY_VANS"])

    depot = current_app.config["DEPOT_POSTCODE"]
    payload = []
    for run in runs:
        previous = depot
        legs = []
        for stop in run.stops:
            estimate = _travel_estimate(previous, stop.postcode)
            legs.append({"order_id": stop.order_id, "venue": stop.venue, "postcode": stop.postcode,
                         "window_start": stop.window_start.isoformat() if stop.window_start else None,
                         "drive_minutes": estimate.get("minutes")})
            previous = stop.postcode
        payload.append({"van": run.van, "stems": run.stems, "legs": legs})
    return jsonify(date=day.isoformat(), runs=payload)


@bp.post("/stops/<int:order_id>/delivered")
@staff_required
def mark_delivered(order_id: int):
    with transaction() as conn:
        row = conn.execute(
            "UPDATE flower_order SET status = 'delivered', delivered_at = now() "
            "WHERE id = %s AND status <> 'delivered' RETURNING couple_phone, couple_name",
            (order_id,),
        ).fetchone()
    if row is None:
        abort(409, description="order is unknown or already delivered")
    if row["couple_phone"]:
        cfg = current_app.config
        threading.Thread(  # expect: CON003, REL005
            target=_send_delivered_sms,
            args=(cfg["SMS_API_URL"], cfg["SMS_API_TOKEN"], row["couple_phone"], row["couple_name"]),
            daemon=True,
        ).start()
    logger.info("order %s delivered", order_id)
    return jsonify(order_id=order_id, status="delivered")
