"""Weigh tickets: open at the inbound scale, add graded lines, close at tare."""
from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from flask import Blueprint, g, jsonify, request

from buyback.auth import staff_required
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("tickets", __name__, url_prefix="/tickets")

SEARCH_SQL = """
    SELECT t.id, t.status, t.vehicle_plate, t.opened_at, t.total_cents,
           s.id AS seller_id, s.full_name AS seller_name
      FROM weigh_tickets t
      JOIN sellers s ON s.id = t.seller_id
     WHERE {where}
  ORDER BY t.{order} DESC
"""


def _kg(value) -> Decimal:
    try:
        kg = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"bad weight {value!r}") from exc
    if kg <= 0 or kg > 40_000:
        raise ValueError(f"weight out of range: {kg}")
    return kg


@bp.post("")
@staff_required()
def open_ticket():
    body = request.get_json(force=True)
    try:
        gross = _kg(body["gross_kg"])
        seller_id = int(body["seller_id"])
    except (KeyError, ValueError, TypeError) as exc:
        return jsonify(error=str(exc)), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id FROM weigh_tickets WHERE seller_id = %s AND status = 'open'", (seller_id,)
        )
        existing = cur.fetchone()
        if existing is not None:
            return jsonify(error="seller already has an open ticket", ticket_id=existing["id"]), 409
        cur.execute(  # expect: DB005
            "INSERT INTO weigh_tickets (seller_id, vehicle_plate, gross_kg, opened_by, status)"
            " VALUES (%s, %s, %s, %s, 'open') RETURNING id",
            (seller_id, body.get("vehicle_plate", "").upper(), gross, g.staff_id),
        )
        ticket_id = cur.fetchone()["id"]
        conn.commit()
    log.info("ticket %s opened by staff %s", ticket_id, g.staff_id)
    return jsonify(id=ticket_id, status="open"), 201


@bp.post("/<int:ticket_id>/lines")
@staff_required()
def add_line(ticket_id: int):
    body = request.get_json(force=True)
    try:
        net = _kg(body["net_kg"])
    except (KeyError, ValueError) as exc:
        return jsonify(error=str(exc)), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO ticket_lines (ticket_id, grade, net_kg, price_cents_per_kg)"
            " SELECT t.id, %s, %s, p.buy_cents_per_kg"
            "   FROM weigh_tickets t JOIN metal_prices p ON p.symbol = %s"
            "  WHERE t.id = %s AND t.status = 'open'"
            " RETURNING id, price_cents_per_kg",
            (body.get("grade"), net, body.get("grade"), ticket_id),
        )
        line = cur.fetchone()
        if line is None:
            return jsonify(error="ticket not open or unknown grade"), 409
        conn.commit()
    return jsonify(id=line["id"], price_cents_per_kg=line["price_cents_per_kg"]), 201


@bp.post("/<int:ticket_id>/close")
@staff_required()
def close_ticket(ticket_id: int):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE weigh_tickets t SET status = 'closed', closed_at = now(), closed_by = %s,"
            "       total_cents = (SELECT coalesce(sum(round(l.net_kg * l.price_cents_per_kg)), 0)"
            "                        FROM ticket_lines l WHERE l.ticket_id = t.id)"
            " WHERE t.id = %s AND t.status = 'open' RETURNING total_cents",
            (g.staff_id, ticket_id),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify(error="ticket not open"), 409
        conn.commit()
    return jsonify(id=ticket_id, status="closed", total_cents=row["total_cents"])


@bp.get("/search")
@staff_required()
def search_tickets():
    clauses = ["t.status = %s"]
    params: list = [request.args.get("status", "open")]
    plate = request.args.get("plate", "").strip()
    if plate:
        clauses.append("t.vehicle_plate ILIKE %s")
        params.append(f"%{plate}%")  # expect: DB006
    order = request.args.get("order", "opened_at")
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            SEARCH_SQL.format(where=" AND ".join(clauses), order=order),  # expect: SEC001
            params,
        )
        rows = cur.fetchall()  # expect: DB002
    return jsonify(tickets=rows)
