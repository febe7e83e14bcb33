"""Game-master dashboard: today's games, hints given, finishing a game, the in-room screen."""
import logging
from datetime import date, datetime, time, timedelta

from flask import Blueprint, jsonify, render_template, render_template_string, request

from escape.auth import current_venue_id, staff_required
from escape.db import get_conn, get_cursor

logger = logging.getLogger("escape.dashboard")
bp = Blueprint("dashboard", __name__, url_prefix="/gm")

# game session id -> hints given so far in a running game
_hints: dict[int, int] = {}

SCREEN_BODY = """
<div id="clock" data-ends="{{ ends_at.isoformat() }}"></div>
<script src="/static/screen.js"></script>
"""


def _waivers_signed(cur, booking_id: int) -> int:
    cur.execute("SELECT count(*) AS n FROM waivers WHERE booking_id = %s", (booking_id,))  # expect: DB001
    return cur.fetchone()["n"]


@bp.get("/today")
@staff_required("gm")
def today():
    venue_id = current_venue_id()
    start = datetime.combine(date.today(), time.min)
    with get_cursor() as cur:
        cur.execute(
            "SELECT b.id, b.customer_name, b.players, b.deposit_status, s.starts_at, r.name AS room, "
            "gs.id AS session_id FROM bookings b JOIN slots s ON s.id = b.slot_id "
            "JOIN rooms r ON r.id = s.room_id LEFT JOIN game_sessions gs ON gs.booking_id = b.id "
            "WHERE r.venue_id = %s AND s.starts_at >= %s AND s.starts_at < %s AND b.status <> 'cancelled' "
            "ORDER BY s.starts_at",
            (venue_id, start, start + timedelta(days=1)),
        )
        games = cur.fetchall()  # ok: DB002
        for game in games:
            game["waivers_signed"] = _waivers_signed(cur, game["id"])
            game["hints"] = _hints.get(game["session_id"], 0)
    return render_template("gm/today.html", games=games)


@bp.post("/sessions/<int:session_id>/hint")
@staff_required("gm")
def give_hint(session_id: int):
    _hints[session_id] = _hints.get(session_id, 0) + 1  # expect: CON002, SCL001
    logger.info("hint %d given in session %s", _hints[session_id], session_id)
    return jsonify(session_id=session_id, hints=_hints[session_id])


@bp.post("/sessions/<int:session_id>/finish")
@staff_required("gm")
def finish_game(session_id: int):
    data = request.get_json(silent=True) or {}
    escaped = bool(data.get("escaped"))
    seconds_left = int(data.get("seconds_left", 0))
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(  # expect: SEC018
            "UPDATE game_sessions SET ended_at = now(), escaped = %s, seconds_left = %s, hints_used = %s "
            "WHERE id = %s AND ended_at IS NULL RETURNING booking_id",
            (escaped, seconds_left, _hints.pop(session_id, 0), session_id),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="Conflict", detail="Game already finished."), 409
    logger.info("session %s finished, escaped=%s", session_id, escaped)
    return jsonify(session_id=session_id, escaped=escaped)


@bp.get("/screens/<int:room_id>")
def team_screen(room_id: int):
    with get_cursor() as cur:
        cur.execute(
            "SELECT gs.team_name, gs.started_at, r.duration_min FROM game_sessions gs "
            "JOIN rooms r ON r.id = gs.room_id WHERE gs.room_id = %s AND gs.ended_at IS NULL "
            "ORDER BY gs.started_at DESC LIMIT 1",
            (room_id,),
        )
        game = cur.fetchone()
    if game is None:
        return render_template("gm/screen_idle.html")
    ends_at = game["started_at"] + timedelta(minutes=game["duration_min"])
    return render_template_string("<h1>Good luck, " + game["team_name"] + "!</h1>" + SCREEN_BODY, ends_at=ends_at)  # expect: SEC016
