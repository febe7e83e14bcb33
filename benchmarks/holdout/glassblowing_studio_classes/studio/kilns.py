"""Kiln schedule: which loads fire when, and what is on each shelf."""
import logging
from datetime import date, timedelta

from flask import Blueprint, current_app, g, jsonify, request

from .auth import login_required, staff_required
from .db import connection
from .kiln_controller import KilnControllerError, from_config

log = logging.getLogger(__name__)
bp = Blueprint("kilns", __name__, url_prefix="/kilns")

MAX_RANGE_DAYS = 14


def _pieces_for(conn, load_id):
    return conn.execute(
        "SELECT p.id, p.title, p.glaze, p.student_id, s.display_name AS maker "
        "FROM kiln_pieces p JOIN students s ON s.id = p.student_id "
        "WHERE p.load_id = %s ORDER BY p.shelf, p.id",
        (load_id,),
    ).fetchall()


def _serialise_load(conn, load):
    pieces = _pieces_for(conn, load["id"])
    return {
        "id": load["id"],
        "kiln": load["kiln_name"],
        "fire_date": load["fire_date"].isoformat(),
        "program": load["program_name"],
        "status": load["status"],
        "pieces": [{k: p[k] for k in ("id", "title", "glaze", "maker")} for p in pieces],
        "mine": any(p["student_id"] == g.student_id for p in pieces),
    }


@bp.get("/schedule")
@login_required
def schedule():
    try:
        start = date.fromisoformat(request.args.get("from", date.today().isoformat()))
    except ValueError:
        return jsonify(error="bad_date"), 400
    days = min(int(request.args.get("days", 7)), MAX_RANGE_DAYS)
    end = start + timedelta(days=days)
    with connection() as conn:
        loads = conn.execute(
            "SELECT l.id, l.fire_date, l.status, l.program_name, k.name AS kiln_name "
            "FROM kiln_loads l JOIN kilns k ON k.id = l.kiln_id "
            "WHERE l.fire_date >= %s AND l.fire_date < %s ORDER BY l.fire_date, k.name",
            (start, end),
        ).fetchall()
        body = [_serialise_load(conn, load) for load in loads]  # expect: DB001
    return jsonify(start=start.isoformat(), days=days, loads=body)


@bp.post("/loads/<int:load_id>/pieces")
@login_required
def add_piece(load_id):
    data = request.get_json(force=True)
    with connection() as conn, conn.transaction():
        load = conn.execute(
            "SELECT id, max_pieces FROM kiln_loads WHERE id = %s AND status = 'loading' FOR UPDATE",
            (load_id,),
        ).fetchone()
        if load is None:
            return jsonify(error="load_closed"), 409
        used = conn.execute("SELECT count(*) AS n FROM kiln_pieces WHERE load_id = %s", (load_id,)).fetchone()
        if used["n"] >= load["max_pieces"]:
            return jsonify(error="load_full"), 409
        piece = conn.execute(  # ok: DB005
            "INSERT INTO kiln_pieces (load_id, student_id, title, glaze, shelf) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (load_id, g.student_id, data.get("title", "")[:120], data.get("glaze"), int(data.get("shelf", 1))),
        ).fetchone()
    return jsonify(id=piece["id"]), 201


@bp.post("/loads/<int:load_id>/fire")
@staff_required
def fire_load(load_id):
    with connection() as conn:
        load = conn.execute(
            "UPDATE kiln_loads SET status = 'firing', fired_by = %s WHERE id = %s AND status = 'loading' "
            "RETURNING kiln_id",
            (g.student_id, load_id),
        ).fetchone()
        if load is None:
            return jsonify(error="not_loading"), 409
        try:
            with from_config(current_app.config) as controller:
                controller.start_firing(load["kiln_id"], load_id)
        except KilnControllerError:
            log.exception("could not start firing for load %s", load_id)
            conn.rollback()
            return jsonify(error="kiln_unreachable"), 502
    return jsonify(status="firing")
