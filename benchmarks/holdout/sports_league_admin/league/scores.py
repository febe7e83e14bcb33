"""Pitch-side score submission from the referees' tablets, and the results feed.

Submitted scores are logged to the score log and applied to the running league
table that the tablets and the public widget read.
"""
import logging
import sqlite3

from flask import Blueprint, abort, current_app, jsonify, request, session

from .auth import login_required
from .db import transaction

logger = logging.getLogger(__name__)
bp = Blueprint("scores", __name__, url_prefix="/scores")

EMPTY_ROW = {"played": 0, "won": 0, "drawn": 0, "lost": 0, "gf": 0, "ga": 0, "points": 0}
RECENT_RESULTS_SQL = (
    "SELECT f.id, h.name AS home, a.name AS away, f.home_goals, f.away_goals, f.match_date"
    " FROM fixtures f JOIN divisions d ON d.id = f.division_id"
    " JOIN teams h ON h.id = f.home_team_id JOIN teams a ON a.id = f.away_team_id"
    " WHERE f.status = 'final'"
)


def _scores_db():
    conn = sqlite3.connect(current_app.config["SCORES_DB_PATH"], timeout=5)  # expect: SCL002
    conn.row_factory = sqlite3.Row
    return conn


def _standing(conn, team_id):
    row = conn.execute(
        "SELECT played, won, drawn, lost, gf, ga, points FROM standings WHERE team_id = ?", (team_id,)
    ).fetchone()
    return dict(row) if row else dict(EMPTY_ROW)


def _tally(row, scored, conceded):
    row = dict(row)
    row["played"] += 1
    row["gf"] += scored
    row["ga"] += conceded
    if scored > conceded:
        row["won"] += 1
        row["points"] += 3
    elif scored == conceded:
        row["drawn"] += 1
        row["points"] += 1
    else:
        row["lost"] += 1
    return row


def _save_standing(conn, team_id, row):
    conn.execute(
        "INSERT OR REPLACE INTO standings (team_id, played, won, drawn, lost, gf, ga, points)"
        " VALUES (:team_id, :played, :won, :drawn, :lost, :gf, :ga, :points)",
        {"team_id": team_id, **row},
    )


@bp.post("/fixtures/<int:fixture_id>")
@login_required
def submit_score(fixture_id):
    home = request.form.get("home_goals", type=int)
    away = request.form.get("away_goals", type=int)
    if home is None or away is None or not (0 <= home <= 50 and 0 <= away <= 50):
        abort(400)

    with transaction() as cur:
        cur.execute(
            "UPDATE fixtures f SET home_goals = %s, away_goals = %s, status = 'final'"
            " FROM referees r WHERE f.id = %s AND f.status <> 'final' AND r.id = f.referee_id AND r.user_id = %s"
            " RETURNING f.home_team_id, f.away_team_id",
            (home, away, fixture_id, session["user_id"]),
        )
        fixture = cur.fetchone()
    if fixture is None:
        return jsonify(error="fixture not found, not yours, or already final"), 409

    try:
        with _scores_db() as conn:  # expect: RES001
            home_row = _standing(conn, fixture["home_team_id"])
            away_row = _standing(conn, fixture["away_team_id"])
            conn.execute(
                "INSERT INTO score_log (fixture_id, home_goals, away_goals, submitted_by) VALUES (?, ?, ?, ?)",
                (fixture_id, home, away, session["user_id"]),
            )
            _save_standing(conn, fixture["home_team_id"], _tally(home_row, home, away))  # expect: DB004
            _save_standing(conn, fixture["away_team_id"], _tally(away_row, away, home))
    except sqlite3.Error:  # expect: ERR002
        logger.exception("could not update league table for fixture %s", fixture_id)
    return jsonify(fixture_id=fixture_id, status="final", home_goals=home, away_goals=away)


@bp.get("/recent")
def recent_results():
    division = request.args.get("division", "open")
    with transaction() as cur:
        cur.execute(RECENT_RESULTS_SQL + f" AND d.slug = '{division}' ORDER BY f.match_date DESC LIMIT 30")  # expect: SEC001
        rows = cur.fetchall()
    return jsonify(results=[{**r, "match_date": r["match_date"].isoformat()} for r in rows])
