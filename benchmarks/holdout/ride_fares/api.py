"""HTTP API for rider quotes, trip completion and driver cash-out."""
from __future__ import annotations

import logging
import os
import threading
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

import jwt
from flask import Flask, abort, g, jsonify, request

import db
import fares
import payouts
import surge
import trips
from config import CONFIG

logger = logging.getLogger("ride-fares")
app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024


def require_driver(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            abort(401)
        try:
            claims = jwt.decode(token, os.environ["DRIVER_JWT_SECRET"], algorithms=["HS256"], audience="driver-app")  # ok: SEC008
        except jwt.PyJWTError:
            abort(401)
        g.driver_id = int(claims["sub"])
        return view(*args, **kwargs)
    return wrapper


def _decimal(value, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        abort(400, description=f"{name} must be a number")


def _warm_neighbours(cell: str) -> None:
    for neighbour_cell in (cell[:-1] + c for c in "0123456789bcdefghjkmnpqrstuvwxyz"):
        surge.recompute_cell(neighbour_cell)


@app.post("/quotes")
def quote():
    body = request.get_json(force=True)
    lat, lng = float(body["pickup"]["lat"]), float(body["pickup"]["lng"])
    try:
        card = fares.load_rate_card(body["city"], body.get("vehicle_class", "standard"))
    except fares.UnknownRateCard:
        abort(404, description="no service in this city")
    multiplier = surge.surge_for(lat, lng)
    distance, duration = _decimal(body["distance_km"], "distance_km"), _decimal(body["duration_min"], "duration_min")
    result = fares.calculate_fare(card, distance, duration, multiplier)
    threading.Thread(target=_warm_neighbours, args=(surge.cell_for(lat, lng),), daemon=True).start()  # expect: CON003
    return jsonify(total=str(result.total), surge=str(result.surge_multiplier), currency=result.currency)


@app.post("/trips/<int:trip_id>/complete")
@require_driver
def complete(trip_id: int):
    owner = db.fetch_one("SELECT driver_id FROM trips WHERE id = %s", (trip_id,))
    if owner is None or owner["driver_id"] != g.driver_id:
        abort(404)
    body = request.get_json(force=True)
    distance, duration = _decimal(body["distance_km"], "distance_km"), _decimal(body["duration_min"], "duration_min")
    try:
        result = trips.complete_trip(trip_id, distance, duration)
    except trips.TripStateError:
        abort(409, description="trip is not in progress")
    return jsonify(trip_id=trip_id, total=str(result.total), currency=result.currency)


@app.post("/drivers/<int:driver_id>/cashout")
@require_driver
def cash_out(driver_id: int):
    if driver_id != g.driver_id:  # ok: SEC018
        abort(403)
    try:
        result = payouts.cash_out(driver_id)
    except payouts.PayoutError:
        logger.exception("cash-out failed driver=%s", driver_id)
        abort(502, description="payout provider error")
    if result is None:
        return jsonify(error="balance below minimum"), 422
    return jsonify(amount=str(result.amount), transfer_id=result.transfer_id), 201


@app.get("/drivers/<int:driver_id>/statement")
@require_driver
def statement(driver_id: int):
    if driver_id != g.driver_id:
        abort(403)
    week = date.fromisoformat(request.args.get("week", date.today().isoformat()))
    return jsonify(trips.driver_statement(driver_id, week))


@app.get("/admin/trips")
def admin_trips():  # todo-expect: SEC018
    status = request.args.get("status", "in_progress")
    city = request.args.get("city", "")
    with db.connection() as conn:
        rows = conn.execute(f"SELECT id, driver_id, rider_id, status, requested_at FROM trips WHERE status = '{status}' AND city = '{city}' ORDER BY requested_at DESC LIMIT 200").fetchall()  # expect: SEC001
    return jsonify([{**r, "requested_at": r["requested_at"].isoformat()} for r in rows])


@app.get("/healthz")
def healthz():
    return (jsonify(status="ok"), 200) if db.health() else (jsonify(status="db down"), 503)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, debug=CONFIG.flask_debug)  # ok: SEC006
