"""Referee assignments for fixtures, with a weekly game cap and an e-mail to the referee."""
import smtplib
import threading
from email.message import EmailMessage

from flask import Blueprint, abort, current_app, jsonify, request

from .auth import admin_required
from .db import transaction

bp = Blueprint("referees", __name__, url_prefix="/referees")

MAX_GAMES_PER_WEEK = 3
_weekly_load = {}


def _week_key(match_date):
    year, week, _ = match_date.isocalendar()
    return f"{year}-W{week:02d}"


def _send_assignment_email(smtp_cfg, to_addr, fixture):
    msg = EmailMessage()
    msg["From"] = smtp_cfg["sender"]
    msg["To"] = to_addr
    msg["Subject"] = f"Assignment: {fixture['home']} v {fixture['away']} on {fixture['match_date']:%a %d %b}"
    msg.set_content(
        f"You have been assigned to referee {fixture['home']} v {fixture['away']}.\n"
        f"Venue: {fixture['venue']}\nKick-off: {fixture['match_date']:%A %d %B} {fixture['kickoff']:%H:%M}\n\n"
        "Reply to this e-mail if you cannot make it."
    )
    with smtplib.SMTP(smtp_cfg["host"], smtp_cfg["port"]) as smtp:  # expect: REL001
        smtp.starttls()
        smtp.login(smtp_cfg["user"], smtp_cfg["password"])
        smtp.send_message(msg)


@bp.get("/unassigned")
@admin_required
def unassigned_fixtures():
    with transaction() as cur:
        cur.execute(
            "SELECT f.id, f.match_date, f.kickoff, f.venue, h.name AS home, a.name AS away"
            " FROM fixtures f JOIN teams h ON h.id = f.home_team_id JOIN teams a ON a.id = f.away_team_id"
            " WHERE f.referee_id IS NULL AND f.match_date >= current_date"
            " ORDER BY f.match_date, f.kickoff LIMIT 200"
        )
        rows = cur.fetchall()
    return jsonify(fixtures=[{**r, "match_date": r["match_date"].isoformat(), "kickoff": str(r["kickoff"])} for r in rows])


@bp.post("/fixtures/<int:fixture_id>/assign")
@admin_required
def assign_referee(fixture_id):
    referee_id = request.form.get("referee_id", type=int)
    if not referee_id:
        abort(400)
    with transaction() as cur:
        cur.execute(
            "SELECT f.id, f.match_date, f.kickoff, f.venue, h.name AS home, a.name AS away"
            " FROM fixtures f JOIN teams h ON h.id = f.home_team_id JOIN teams a ON a.id = f.away_team_id"
            " WHERE f.id = %s",
            (fixture_id,),
        )
        fixture = cur.fetchone()
        cur.execute("SELECT id, email FROM referees WHERE id = %s AND active", (referee_id,))
        referee = cur.fetchone()
        if fixture is None or referee is None:
            abort(404)
        key = (referee_id, _week_key(fixture["match_date"]))
        if _weekly_load.get(key, 0) >= MAX_GAMES_PER_WEEK:
            return jsonify(error="referee already has the maximum number of games that week"), 409
        cur.execute("UPDATE fixtures SET referee_id = %s WHERE id = %s", (referee_id, fixture_id))

    _weekly_load[key] = _weekly_load.get(key, 0) + 1  # expect: CON002, SCL001
    cfg = current_app.config
    smtp_cfg = {
        "host": cfg["SMTP_HOST"],
        "port": cfg["SMTP_PORT"],
        "user": cfg["SMTP_USER"],
        "password": cfg["SMTP_PASSWORD"],
        "sender": cfg["MAIL_FROM"],
    }
    threading.Thread(  # expect: CON003, REL005
        target=_send_assignment_email, args=(smtp_cfg, referee["email"], fixture), daemon=True
    ).start()
    current_app.logger.info("referee assignment saved")  # todo-expect: OBS003
    return jsonify(fixture_id=fixture_id, referee_id=referee_id, week=key[1])
