"""Tallies and weekly pay (v2): one-statement increments, rates joined in SQL."""
import logging
from datetime import date, timedelta

from flask import Blueprint, abort, g, jsonify, request

from shearing.auth import login_required
from shearing.db import get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("payroll_v2", __name__, url_prefix="/v2/payroll")

SHEEP_CLASSES = {"ewe", "lamb", "hogget", "ram", "wether", "crutching"}

WEEKLY_PAY_SQL = """
    SELECT s.id AS shearer_id,
           s.name,
           SUM(t.head_count) AS head,
           SUM(t.head_count * COALESCE(r.cents_per_head, 0)) AS gross_cents
      FROM tallies t
      JOIN shearers s ON s.id = t.shearer_id
      LEFT JOIN LATERAL (
            SELECT cents_per_head
              FROM piece_rates pr
             WHERE pr.sheep_class = t.sheep_class AND pr.effective_from <= t.run_date
             ORDER BY pr.effective_from DESC
             LIMIT 1
      ) r ON true
     WHERE s.contractor_id = %s
       AND t.run_date BETWEEN %s AND %s
     GROUP BY s.id, s.name
     ORDER BY s.name
"""


@bp.post("/tallies")
@login_required
def add_to_tally():
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
        cur.execute(  # ok: DB004
            """INSERT INTO tallies (shearer_id, run_date, sheep_class, head_count)
               SELECT s.id, %s, %s, %s FROM shearers s WHERE s.id = %s AND s.contractor_id = %s
               ON CONFLICT (shearer_id, run_date, sheep_class)
               DO UPDATE SET head_count = tallies.head_count + EXCLUDED.head_count
               RETURNING id, head_count""",
            (run_date, sheep_class, head, shearer_id, g.user["contractor_id"]),
        )
        tally = cur.fetchone()
    if tally is None:
        abort(404)
    logger.info("tally %s now %d (%s, shearer %s)", tally["id"], tally["head_count"], sheep_class, shearer_id)
    return jsonify(tally_id=tally["id"], head_count=tally["head_count"])


@bp.get("/week/<week_start>")
@login_required
def weekly_pay(week_start: str):
    try:
        start = date.fromisoformat(week_start)
    except ValueError:
        abort(400, "week_start must be YYYY-MM-DD")
    end = start + timedelta(days=6)

    with get_cursor() as cur:
        cur.execute(WEEKLY_PAY_SQL, (g.user["contractor_id"], start, end))
        rows = cur.fetchall()  # ok: DB002

    return jsonify(
        week_start=start.isoformat(),
        shearers=[
            {"name": r["name"], "head": int(r["head"]), "gross_cents": int(r["gross_cents"])} for r in rows
        ],
    )
