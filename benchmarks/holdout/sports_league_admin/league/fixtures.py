"""Round-robin fixture generation for a division."""
import logging
from datetime import date, timedelta

from flask import Blueprint, abort, jsonify, request, session

from .auth import admin_required
from .db import transaction

logger = logging.getLogger(__name__)
bp = Blueprint("fixtures", __name__, url_prefix="/fixtures")


def round_robin(team_ids):
    """Circle method: every team meets every other once; home/away alternates by round."""
    teams = list(team_ids)
    if len(teams) % 2:
        teams.append(None)
    n = len(teams)
    rounds = []
    for r in range(n - 1):
        pairs = []
        for i in range(n // 2):
            home, away = teams[i], teams[n - 1 - i]
            if home is None or away is None:
                continue
            pairs.append((away, home) if r % 2 else (home, away))
        rounds.append(pairs)
        teams = [teams[0], teams[-1], *teams[1:-1]]
    return rounds


def _parse_date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        abort(400)


@bp.post("/divisions/<int:division_id>/generate")
@admin_required
def generate(division_id):
    first_matchday = _parse_date(request.form.get("first_matchday"))
    gap_days = request.form.get("days_between_rounds", default=7, type=int)
    double = request.form.get("double_round_robin") == "on"
    if not 1 <= gap_days <= 28:
        abort(400)

    with transaction() as cur:
        cur.execute("SELECT id FROM divisions WHERE id = %s FOR UPDATE", (division_id,))
        if cur.fetchone() is None:
            abort(404)
        cur.execute("SELECT 1 FROM fixtures WHERE division_id = %s LIMIT 1", (division_id,))
        if cur.fetchone():
            return jsonify(error="fixtures already exist for this division"), 409
        cur.execute(
            "SELECT id FROM teams WHERE division_id = %s AND fee_status = 'paid' ORDER BY id",
            (division_id,),
        )
        team_ids = [row["id"] for row in cur.fetchall()]
        if len(team_ids) < 2:
            return jsonify(error="at least two paid-up teams are needed"), 409

        rounds = round_robin(team_ids)
        if double:
            rounds += [[(away, home) for home, away in pairs] for pairs in rounds]
        rows = [
            (division_id, number, home, away, first_matchday + timedelta(days=gap_days * (number - 1)))
            for number, pairs in enumerate(rounds, start=1)
            for home, away in pairs
        ]
        cur.executemany(  # ok: DB005
            "INSERT INTO fixtures (division_id, round, home_team_id, away_team_id, match_date, status)"
            " VALUES (%s, %s, %s, %s, %s, 'scheduled')",
            rows,
        )
    logger.info(
        "generated %d fixtures in %d rounds for division %s (user %s)",
        len(rows), len(rounds), division_id, session["user_id"],
    )
    return jsonify(rounds=len(rounds), fixtures=len(rows)), 201
