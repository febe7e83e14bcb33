"""Dashboard numbers: grade totals over a range, recent tickets, the price board."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from flask import Blueprint, jsonify, request

from buyback.auth import staff_required
from buyback.db import get_conn
from buyback.price_feed import board_cache

log = logging.getLogger(__name__)
bp = Blueprint("yard_stats", __name__, url_prefix="/stats")

MAX_RANGE_DAYS = 62
PAGE_SIZE = 50

GRADE_TOTALS_SQL = """
    SELECT l.grade,
           sum(l.net_kg) AS kg,
           sum(round(l.net_kg * l.price_cents_per_kg)) AS paid_cents,
           count(DISTINCT t.id) AS tickets
      FROM weigh_tickets t
      JOIN ticket_lines l ON l.ticket_id = t.id
     WHERE t.closed_at >= %s AND t.closed_at < %s
  GROUP BY l.grade
  ORDER BY l.grade
"""


def _range() -> tuple[date, date]:
    start = date.fromisoformat(request.args.get("from", date.today().isoformat()))
    end = date.fromisoformat(request.args.get("to", start.isoformat()))
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise ValueError(f"range must be 0..{MAX_RANGE_DAYS} days")
    return start, end


@bp.get("/grades")
@staff_required(role="manager")
def grade_totals():
    try:
        start, end = _range()
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(GRADE_TOTALS_SQL, (start, end + timedelta(days=1)))  # ok: DB001, DB006
        rows = cur.fetchall()
    for row in rows:
        row["kg"] = float(row["kg"])
    return jsonify(start=start.isoformat(), end=end.isoformat(), grades=rows)


@bp.get("/tickets")
@staff_required()
def recent_tickets():
    before = request.args.get("before_id", type=int)
    params: list = []
    where = "TRUE"
    if before:
        where = "t.id < %s"
        params.append(before)
    params.append(PAGE_SIZE)
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT t.id, t.status, t.total_cents, t.opened_at, s.full_name AS seller"
            "  FROM weigh_tickets t JOIN sellers s ON s.id = t.seller_id"
            f" WHERE {where} ORDER BY t.id DESC LIMIT %s",  # ok: SEC001
            params,
        )
        rows = cur.fetchall()  # ok: DB002
    next_before = rows[-1]["id"] if len(rows) == PAGE_SIZE else None
    return jsonify(tickets=rows, next_before_id=next_before)


@bp.get("/price-board")
def price_board():
    prices = board_cache.get()
    return jsonify(prices=sorted(prices.values(), key=lambda p: p["symbol"]))
