"""Team registration for a season: roster, division place and the registration fee."""
import logging
from datetime import date

import requests
from flask import Blueprint, abort, current_app, jsonify, request, session

from .auth import login_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("registration", __name__, url_prefix="/registration")

MAX_TEAM_NAME = 60
MIN_ROSTER, MAX_ROSTER = 7, 22


class PaymentFailed(Exception):
    pass


def _is_early(cur, season_id):
    cur.execute("SELECT early_deadline FROM seasons WHERE id = %s", (season_id,))
    row = cur.fetchone()
    return bool(row and row["early_deadline"] and date.today() <= row["early_deadline"])


def _fee_cents(cur, division, roster_size, season_id):
    """Divisions store their fee rule as an expression, e.g. '12000 + 1500 * players - (2000 if early else 0)'."""
    scope = {"players": roster_size, "early": _is_early(cur, season_id)}
    return int(eval(division["fee_formula"], {"__builtins__": {}}, scope))  # expect: SEC003


def _charge_fee(captain_id, amount_cents, description):
    cfg = current_app.config
    resp = requests.post(  # expect: REL003
        f"{cfg['PAYMENTS_URL']}/charges",
        json={"amount": amount_cents, "currency": "usd", "customer_ref": f"user-{captain_id}", "description": description},
        headers={"Authorization": f"Bearer {cfg['PAYMENTS_API_KEY']}"},
        timeout=(3.05, 20),
    )
    if resp.status_code == 402:
        raise PaymentFailed(resp.json().get("message", "card declined"))
    resp.raise_for_status()
    return resp.json()


@bp.post("/teams")
@login_required
def register_team():
    season_id = request.form.get("season_id", type=int)
    division_id = request.form.get("division_id", type=int)
    name = (request.form.get("team_name") or "").strip()
    player_ids = sorted(set(request.form.getlist("player_ids", type=int)))
    if not season_id or not division_id or not name or len(name) > MAX_TEAM_NAME:
        abort(400)
    if not MIN_ROSTER <= len(player_ids) <= MAX_ROSTER:
        return jsonify(error=f"rosters need {MIN_ROSTER}-{MAX_ROSTER} players"), 400

    conn = get_conn()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, max_teams, fee_formula FROM divisions WHERE id = %s AND season_id = %s",
            (division_id, season_id),
        )
        division = cur.fetchone()
        if division is None:
            abort(404)
        cur.execute("SELECT 1 FROM teams WHERE season_id = %s AND name = %s", (season_id, name))
        if cur.fetchone():
            return jsonify(error="a team with that name is already registered"), 409

        fee = _fee_cents(cur, division, len(player_ids), season_id)
        try:
            charge = _charge_fee(session["user_id"], fee, f"Team registration: {name}")  # todo-expect: REL004
        except PaymentFailed as exc:
            return jsonify(error=str(exc)), 402

        cur.execute("SELECT count(*) AS n FROM teams WHERE division_id = %s", (division_id,))
        if cur.fetchone()["n"] >= division["max_teams"]:
            conn.rollback()
            return jsonify(error="this division is full"), 409

        cur.execute(  # expect: DB005
            "INSERT INTO teams (season_id, division_id, name, captain_id, fee_cents, fee_status, fee_charge_id)"
            " VALUES (%s, %s, %s, %s, %s, 'paid', %s) RETURNING id",
            (season_id, division_id, name, session["user_id"], fee, charge["id"]),
        )
        team_id = cur.fetchone()["id"]
        cur.executemany(
            "INSERT INTO team_players (team_id, player_id) VALUES (%s, %s)",
            [(team_id, player_id) for player_id in player_ids],
        )
    conn.commit()
    logger.info("team %s (%s) registered in division %s by user %s", team_id, name, division_id, session["user_id"])
    return jsonify(team_id=team_id, fee_cents=fee, charge_id=charge["id"]), 201
