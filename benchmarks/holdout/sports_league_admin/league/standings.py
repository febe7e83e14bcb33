"""League tables computed from final fixtures, and result entry from the web app."""
import logging

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for

from .auth import login_required
from .db import transaction

logger = logging.getLogger(__name__)
bp = Blueprint("standings", __name__, url_prefix="/standings")

SORT_CLAUSES = {
    "points": "points DESC, goal_diff DESC, gf DESC, team_name",
    "attack": "gf DESC, points DESC, team_name",
    "name": "team_name",
}

TABLE_SQL = """
WITH results AS (
    SELECT home_team_id AS team_id, home_goals AS gf, away_goals AS ga
      FROM fixtures WHERE division_id = %(division_id)s AND status = 'final'
    UNION ALL
    SELECT away_team_id, away_goals, home_goals
      FROM fixtures WHERE division_id = %(division_id)s AND status = 'final'
)
SELECT t.id AS team_id, t.name AS team_name,
       count(r.team_id) AS played,
       count(*) FILTER (WHERE r.gf > r.ga) AS won,
       count(*) FILTER (WHERE r.gf = r.ga) AS drawn,
       count(*) FILTER (WHERE r.gf < r.ga) AS lost,
       coalesce(sum(r.gf), 0) AS gf,
       coalesce(sum(r.ga), 0) AS ga,
       coalesce(sum(r.gf - r.ga), 0) AS goal_diff,
       3 * count(*) FILTER (WHERE r.gf > r.ga) + count(*) FILTER (WHERE r.gf = r.ga) AS points
  FROM teams t
  LEFT JOIN results r ON r.team_id = t.id
 WHERE t.division_id = %(division_id)s
 GROUP BY t.id, t.name
 ORDER BY {order}
 LIMIT 100
"""


@bp.get("/")
def index():
    with transaction() as cur:
        cur.execute(
            "SELECT d.id, d.name FROM divisions d JOIN seasons s ON s.id = d.season_id"
            " WHERE s.is_current ORDER BY d.sort_order LIMIT 50"
        )
        divisions = cur.fetchall()
    if len(divisions) == 1:
        return redirect(url_for("standings.division_table", division_id=divisions[0]["id"]))
    return render_template("divisions.html", divisions=divisions)


@bp.get("/divisions/<int:division_id>")
def division_table(division_id):
    order = SORT_CLAUSES.get(request.args.get("sort", "points"), SORT_CLAUSES["points"])
    with transaction() as cur:
        cur.execute(TABLE_SQL.format(order=order), {"division_id": division_id})  # ok: SEC001
        rows = cur.fetchall()
    return render_template("standings.html", rows=rows, division_id=division_id)


def record_result(cur, fixture_id, home_goals, away_goals, user_id):
    """Finalise a fixture once, and only by its assigned referee."""
    cur.execute(  # ok: DB005
        "UPDATE fixtures f SET home_goals = %s, away_goals = %s, status = 'final', result_at = now()"
        " FROM referees r WHERE f.id = %s AND f.status <> 'final' AND r.id = f.referee_id AND r.user_id = %s"
        " RETURNING f.id",
        (home_goals, away_goals, fixture_id, user_id),
    )
    return cur.fetchone() is not None


@bp.post("/fixtures/<int:fixture_id>/result")
@login_required
def post_result(fixture_id):
    home = request.form.get("home_goals", type=int)
    away = request.form.get("away_goals", type=int)
    if home is None or away is None or not (0 <= home <= 50 and 0 <= away <= 50):
        abort(400)
    with transaction() as cur:
        recorded = record_result(cur, fixture_id, home, away, session["user_id"])
    if not recorded:
        return jsonify(error="fixture not found, not yours, or already final"), 409
    logger.info("result %d-%d recorded for fixture %s by user %s", home, away, fixture_id, session["user_id"])
    return jsonify(fixture_id=fixture_id, status="final", home_goals=home, away_goals=away)
