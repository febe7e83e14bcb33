"""Per-head tallies from the shed and the weekly piece-rate pay summary."""
import logging
from collections import defaultdict
from datetime import date, timedelta

from flask import Blueprint, abort, g, jsonify, request

from shearing.auth import login_required
from shearing.db import get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("payroll", __name__, url_prefix="/payroll")

SHEEP_CLASSES = {"ewe", "lamb", "hogget", "ram", "wether", "crutching"}


def _rate_for(cur, sheep_class: str, run_date: date) -> int:
    """Cents per head for a class on a day (rates change each season)."""
    cur.execute(
        "SELECT cents_per_head FROM piece_rates WHERE sheep_class = %s AND effective_from <= %s "
        "ORDER BY effective_from DESC LIMIT 1",
        (sheep_class, run_date),
    )
    row = cur.fetchone()
    return row["cents_per_head"] if row else 0


@bp.post("/tallies")
@login_required
def add_to_tally():
    """Gang boss adds a run's count for one shearer; called after every run."""
    payload = request.get_json(silent=True) or {}
    try:
        shearer_id = int(payload["shearer_id"])
        run_date = date.fromisoformat(payload["run_date"])
        sheep_class = payload["sheep_class"]
        head = int(payload["head"])
    except (KeyError, TypeError, ValueError):
        abort(400, "shearer_id, run_date, sheep_class and head are required")
    if sheep_class not in SHEEP_CLASSES or not 0 < head <= 400:
        abort(400, "unknown sheep class or implausible head count")

    with get_cursor() as cur:
        cur.execute(
            "SELECT 1 FROM shearers WHERE id = %s AND contractor_id = %s", (shearer_id, g.user["contractor_id"])
        )
        if cur.fetchone() is None:
            abort(404)
        cur.execute(
            "INSERT INTO tallies (shearer_id, run_date, sheep_class, head_count) VALUES (%s, %s, %s, 0) "
            "ON CONFLICT (shearer_id, run_date, sheep_class) DO NOTHING",
            (shearer_id, run_date, sheep_class),
        )
        cur.execute(
            "SELECT id, head_count FROM tallies WHERE shearer_id = %s AND run_date = %s AND sheep_class = %s",
            (shearer_id, run_date, sheep_class),
        )
        tally = cur.fetchone()
        new_total = tally["head_count"] + head
        cur.execute("UPDATE tallies SET head_count = %s WHERE id = %s", (new_total, tally["id"]))  # expect: DB004

    logger.info("tally %s now %d (%s, shearer %s)", tally["id"], new_total, sheep_class, shearer_id)
    return jsonify(tally_id=tally["id"], head_count=new_total)


@bp.get("/week/<week_start>")
@login_required
def weekly_pay(week_start: str):
    try:
        start = date.fromisoformat(week_start)
    except ValueError:
        abort(400, "week_start must be YYYY-MM-DD")
    end = start + timedelta(days=6)

    pay = defaultdict(lambda: {"name": "", "head": 0, "gross_cents": 0})
    with get_cursor() as cur:
        cur.execute(
            """SELECT t.shearer_id, s.name, t.run_date, t.sheep_class, t.head_count
                 FROM tallies t JOIN shearers s ON s.id = t.shearer_id
                WHERE s.contractor_id = %s AND t.run_date BETWEEN %s AND %s
                ORDER BY s.name, t.run_date""",
            (g.user["contractor_id"], start, end),
        )
        tallies = cur.fetchall()
        for tally in tallies:  # expect: DB001
            rate = _rate_for(cur, tally["sheep_class"], tally["run_date"])
            entry = pay[tally["shearer_id"]]
            entry["name"] = tally["name"]
            entry["head"] += tally["head_count"]
            entry["gross_cents"] += rate * tally["head_count"]

    return jsonify(week_start=start.isoformat(), shearers=list(pay.values()))
