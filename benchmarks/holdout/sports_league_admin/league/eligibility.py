"""Player eligibility against the national federation registry, on demand and nightly."""
import logging
import time
from datetime import date

import requests
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Blueprint, abort, current_app, jsonify, session

from .auth import is_admin, login_required
from .db import transaction, worker_connection

logger = logging.getLogger(__name__)
bp = Blueprint("eligibility", __name__, url_prefix="/eligibility")

_registry_cache = {}


def federation_lookup(license_no, config):
    if license_no in _registry_cache:
        return _registry_cache[license_no]
    url = f"{config['FEDERATION_API_URL']}/players/{license_no}"
    while True:  # expect: REL002
        resp = requests.get(url, headers={"X-Api-Key": config["FEDERATION_API_KEY"]}, timeout=10, verify=False)  # expect: SEC011
        if resp.status_code != 429:
            break
        time.sleep(int(resp.headers.get("Retry-After", "2")))
    resp.raise_for_status()
    record = resp.json()
    _registry_cache[license_no] = record  # expect: RES002
    return record


def check_player(license_no, season_year, config):
    record = federation_lookup(license_no, config)
    if record.get("status") != "active":
        return False, f"licence {record.get('status', 'unknown')}"
    suspended_until = record.get("suspended_until")
    if suspended_until and date.fromisoformat(suspended_until) >= date.today():
        return False, f"suspended until {suspended_until}"
    if season_year not in record.get("registered_seasons", []):
        return False, f"not registered for {season_year}"
    return True, "eligible"


@bp.get("/teams/<int:team_id>")
@login_required
def team_eligibility(team_id):
    with transaction() as cur:
        cur.execute(
            "SELECT t.id, s.year FROM teams t JOIN seasons s ON s.id = t.season_id"
            " WHERE t.id = %s AND (t.captain_id = %s OR %s)",
            (team_id, session["user_id"], is_admin()),
        )
        team = cur.fetchone()
        if team is None:
            abort(404)
        cur.execute(
            "SELECT p.id, p.full_name, p.license_no FROM team_players tp JOIN players p ON p.id = tp.player_id"
            " WHERE tp.team_id = %s ORDER BY p.full_name LIMIT 40",
            (team_id,),
        )
        players = cur.fetchall()

    results = []
    for player in players:
        try:
            eligible, reason = check_player(player["license_no"], team["year"], current_app.config)  # todo-expect: ERR003
        except requests.RequestException:
            logger.warning("registry lookup failed for player %s", player["id"], exc_info=True)
            eligible, reason = None, "federation registry unavailable"
        results.append({"player_id": player["id"], "name": player["full_name"], "eligible": eligible, "reason": reason})
    return jsonify(team_id=team_id, players=results)


def recheck_all_players(app):
    season_year = date.today().year
    updates = []
    with worker_connection(app) as conn:
        with conn.cursor(name="eligibility_recheck") as cur:
            cur.itersize = 500
            cur.execute("SELECT id, license_no FROM players WHERE active ORDER BY id")
            for player in cur:
                try:
                    eligible, reason = check_player(player["license_no"], season_year, app.config)
                except requests.RequestException:
                    logger.warning("nightly recheck skipped player %s", player["id"], exc_info=True)
                    continue
                updates.append((eligible, reason, player["id"]))
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE players SET eligible = %s, eligibility_reason = %s, checked_at = now() WHERE id = %s",
                updates,
            )
    logger.info("nightly eligibility recheck updated %d players", len(updates))


def init_app(app):
    app.register_blueprint(bp)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(recheck_all_players, "cron", hour=3, minute=15, args=[app], id="nightly-eligibility")
    scheduler.start()  # expect: SCL003
    app.extensions["eligibility_scheduler"] = scheduler
