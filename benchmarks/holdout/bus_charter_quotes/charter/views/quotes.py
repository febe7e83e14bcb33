"""Quote requests from the public website, and the customer's acceptance link."""
import hmac
import logging
import secrets
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, abort, current_app, jsonify, request

from charter.auth import staff_required
from charter.clients.deposits import DepositDeclined, collect_deposit
from charter.clients.fuel_prices import estimate_fuel_cost
from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("quotes", __name__)

COACH_SEATS = 56
HOURLY_RATE = Decimal("145.00")
PER_KM_RATE = Decimal("1.10")


def _price(distance_km: float, hours: float, coaches: int, region: str) -> Decimal:
    try:
        fuel = estimate_fuel_cost(region, distance_km)
    except Exception:  # expect: ERR001
        fuel = Decimal(str(distance_km)) * Decimal("0.55")
    per_coach = HOURLY_RATE * Decimal(str(hours)) + PER_KM_RATE * Decimal(str(distance_km)) + fuel
    return (per_coach * coaches).quantize(Decimal("0.01"))


@bp.post("/quotes")
def request_quote():
    body = request.get_json(silent=True) or {}
    try:
        passengers = int(body["passengers"])
        distance_km = float(body["distance_km"])
        hours = float(body["hours"])
        trip_date = date.fromisoformat(body["trip_date"])
        region = str(body["region"])
        email = str(body["contact_email"]).strip().lower()
    except (KeyError, TypeError, ValueError):
        abort(400, "passengers, distance_km, hours, trip_date, region and contact_email are required")
    if not 1 <= passengers <= 500 or trip_date <= date.today():
        abort(400, "passengers must be 1-500 and the trip must be in the future")

    coaches = -(-passengers // COACH_SEATS)
    total = _price(distance_km, hours, coaches, region)
    with db.cursor() as cur:
        cur.execute(
            """INSERT INTO quotes (contact_email, trip_date, region, passengers, coaches, distance_km,
                                   hours, total_cents, status, accept_token, valid_until)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'sent', %s, %s) RETURNING id""",
            (email, trip_date, region, passengers, coaches, distance_km, hours, int(total * 100),
             secrets.token_urlsafe(32), date.today() + timedelta(days=current_app.config["QUOTE_VALID_DAYS"])),
        )
        quote_id = cur.fetchone()["id"]
    logger.info("quote Q-%s created for %s coaches on %s", quote_id, coaches, trip_date)
    return jsonify(quote_id=quote_id, total=str(total), coaches=coaches), 201


@bp.get("/quotes")
@staff_required
def list_quotes():
    status = request.args.get("status", "sent")
    with db.cursor() as cur:
        cur.execute(
            "SELECT id, contact_email, trip_date, coaches, total_cents, status, created_at"
            "  FROM quotes WHERE status = %s ORDER BY created_at DESC",
            (status,),
        )
        rows = cur.fetchall()  # expect: DB002
    return jsonify(quotes=rows)


@bp.get("/quotes/search")
@staff_required
def search_quotes():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        abort(400, "search term must be at least 3 characters")
    with db.cursor() as cur:
        cur.execute(
            "SELECT id, contact_email, trip_date, status FROM quotes"
            " WHERE contact_email ILIKE %s ORDER BY created_at DESC LIMIT 50",  # expect: DB006
            (f"%{term}%",),
        )
        return jsonify(quotes=cur.fetchall())


@bp.post("/quotes/<int:quote_id>/accept")
def accept_quote(quote_id: int):
    body = request.get_json(silent=True) or {}
    with db.connection() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, contact_email, total_cents, status, accept_token, valid_until"
            "  FROM quotes WHERE id = %s FOR UPDATE",
            (quote_id,),
        )
        quote = cur.fetchone()
        if quote is None or not hmac.compare_digest(quote["accept_token"], str(body.get("token", ""))):
            abort(404)
        if quote["status"] != "sent" or quote["valid_until"] < date.today():  # ok: DB005
            abort(409, "this quote can no longer be accepted")
        amount = quote["total_cents"] * current_app.config["DEPOSIT_PERCENT"] // 100
        try:
            deposit = collect_deposit(quote_id, quote["contact_email"], str(body.get("payment_token")), amount)
        except DepositDeclined as exc:
            abort(402, str(exc))
        cur.execute(
            "UPDATE quotes SET status = 'accepted', deposit_charge_id = %s, accepted_at = now() WHERE id = %s",
            (deposit.charge_id, quote_id),
        )
    return jsonify(quote_id=quote_id, status="accepted", deposit_cents=deposit.amount_cents)
