"""JSON API behind the game-master tablet app."""
import logging
from datetime import date, datetime, time, timedelta

from flask import Blueprint, g, jsonify, render_template, request

from escape.auth import staff_required
from escape.db import get_cursor

logger = logging.getLogger("escape.gm_api")
bp = Blueprint("gm_api", __name__, url_prefix="/gm/api")


def _venue() -> int:
    return int(g.staff["venue"])


@bp.get("/today")
@staff_required("gm")
def today():
    start = datetime.combine(date.today(), time.min)
    with get_cursor() as cur:
        cur.execute(  # ok: DB001
            "SELECT b.id, b.customer_name, b.players, s.starts_at, r.name AS room, gs.id AS session_id, "
            "gs.hints_used, coalesce(w.signed, 0) AS waivers_signed "
            "FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN rooms r ON r.id = s.room_id "
            "LEFT JOIN game_sessions gs ON gs.booking_id = b.id "
            "LEFT JOIN (SELECT booking_id, count(*) AS signed FROM waivers GROUP BY booking_id) w "
            "ON w.booking_id = b.id "
            "WHERE r.venue_id = %s AND s.starts_at >= %s AND s.starts_at < %s AND b.status <> 'cancelled' "
            "ORDER BY s.starts_at",
            (_venue(), start, start + timedelta(days=1)),
        )
        return jsonify(cur.fetchall())  # ok: DB002


@bp.post("/bookings/<int:booking_id>/start")
@staff_required("gm")
def start_game(booking_id: int):
    team = (request.get_json(silent=True) or {}).get("team_name", "")[:60]
    with get_cursor() as cur:
        cur.execute(  # ok: DB005, SEC018
            "INSERT INTO game_sessions (booking_id, room_id, gm_staff_id, team_name, started_at) "
            "SELECT b.id, s.room_id, %s, %s, now() FROM bookings b JOIN slots s ON s.id = b.slot_id "
            "JOIN rooms r ON r.id = s.room_id WHERE b.id = %s AND r.venue_id = %s "
            "ON CONFLICT (booking_id) DO NOTHING RETURNING id",
            (g.staff["sub"], team, booking_id, _venue()),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="Conflict", detail="Game already started or booking not at your venue."), 409
    logger.info("staff %s started session %s for booking %s", g.staff["sub"], row["id"], booking_id)
    return jsonify(session_id=row["id"]), 201


@bp.post("/sessions/<int:session_id>/hint")
@staff_required("gm")
def give_hint(session_id: int):
    with get_cursor() as cur:
        cur.execute(  # ok: CON002, DB004, SEC018
            "UPDATE game_sessions SET hints_used = hints_used + 1 WHERE id = %s AND ended_at IS NULL "
            "AND room_id IN (SELECT id FROM rooms WHERE venue_id = %s) RETURNING hints_used",
            (session_id, _venue()),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="Not Found", detail="No running game with that id at your venue."), 404
    logger.info("staff %s gave hint %d in session %s", g.staff["sub"], row["hints_used"], session_id)
    return jsonify(session_id=session_id, hints=row["hints_used"])


@bp.get("/screens/<int:room_id>")
def team_screen(room_id: int):
    with get_cursor() as cur:
        cur.execute(
            "SELECT gs.team_name, gs.started_at + make_interval(mins => r.duration_min) AS ends_at "
            "FROM game_sessions gs JOIN rooms r ON r.id = gs.room_id "
            "WHERE gs.room_id = %s AND gs.ended_at IS NULL ORDER BY gs.started_at DESC LIMIT 1",
            (room_id,),
        )
        game = cur.fetchone()
    if game is None:
        return render_template("gm/screen_idle.html")
    return render_template("gm/screen.html", team=game["team_name"], ends_at=game["ends_at"])  # ok: SEC016
