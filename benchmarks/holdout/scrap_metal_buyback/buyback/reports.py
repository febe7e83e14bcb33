"""End-of-day reports for the yard manager and the state monthly filing."""
from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from datetime import date

import psycopg2
from flask import Blueprint, Response, jsonify, request

from buyback.auth import staff_required
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("reports", __name__, url_prefix="/reports")


def _lines_for(cur, ticket_id: int) -> list[dict]:
    cur.execute(
        "SELECT grade, net_kg, price_cents_per_kg FROM ticket_lines WHERE ticket_id = %s",
        (ticket_id,),
    )
    return cur.fetchall()


def _day_totals(day: date) -> dict:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, seller_id, total_cents, payout_method FROM weigh_tickets"
            " WHERE closed_at::date = %s ORDER BY id",  # expect: DB006
            (day,),
        )
        tickets = cur.fetchall()
        grades: dict[str, dict] = defaultdict(lambda: {"kg": 0.0, "paid_cents": 0})
        by_method: dict[str, int] = defaultdict(int)
        for ticket in tickets:
            by_method[ticket["payout_method"] or "unpaid"] += ticket["total_cents"] or 0
            for line in _lines_for(cur, ticket["id"]):  # expect: DB001
                bucket = grades[line["grade"]]
                bucket["kg"] += float(line["net_kg"])
                bucket["paid_cents"] += round(float(line["net_kg"]) * line["price_cents_per_kg"])
    return {
        "day": day.isoformat(),
        "tickets": len(tickets),
        "sellers": len({t["seller_id"] for t in tickets}),
        "by_grade": dict(grades),
        "by_payout_method": dict(by_method),
    }


def _parse_day() -> date:
    raw = request.args.get("day")
    return date.fromisoformat(raw) if raw else date.today()


@bp.get("/daily")
@staff_required(role="manager")
def daily():
    try:
        day = _parse_day()
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    try:
        totals = _day_totals(day)
    except psycopg2.Error as exc:
        log.error(f"daily report for {day} failed: {exc}")  # expect: OBS002
        return jsonify(error="report unavailable"), 503
    return jsonify(totals)


@bp.get("/daily.csv")
@staff_required(role="manager")
def daily_csv():
    try:
        day = _parse_day()
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    totals = _day_totals(day)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["grade", "kg", "paid_cents"])
    for grade, bucket in sorted(totals["by_grade"].items()):
        writer.writerow([grade, f"{bucket['kg']:.1f}", bucket["paid_cents"]])
    return Response(
        buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=yard-{day.isoformat()}.csv"},
    )
