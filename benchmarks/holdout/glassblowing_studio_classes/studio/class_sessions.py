"""Class sessions (taster evenings, paperweight days, weekend courses) and enrolment."""
import logging

from flask import Blueprint, g, jsonify, request

from .auth import login_required
from .db import connection, page_args

log = logging.getLogger(__name__)
bp = Blueprint("class_sessions", __name__, url_prefix="/sessions")


class _AlreadyEnrolled(Exception):
    pass


@bp.get("/")
def upcoming_sessions():
    page, per_page, offset = page_args(request.args)
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, title, starts_at, capacity, seats_taken, price_pence "
            "FROM class_sessions WHERE starts_at > now() AND cancelled = false "
            "ORDER BY starts_at LIMIT %s OFFSET %s",
            (per_page, offset),
        ).fetchall()
    return jsonify(page=page, sessions=[dict(r, seats_left=r["capacity"] - r["seats_taken"]) for r in rows])


@bp.post("/<int:session_id>/enrol")
@login_required
def enrol(session_id):
    try:
        with connection() as conn, conn.transaction():
            seat = conn.execute(  # ok: DB004, DB005
                "UPDATE class_sessions SET seats_taken = seats_taken + 1 "
                "WHERE id = %s AND seats_taken < capacity AND starts_at > now() AND cancelled = false "
                "RETURNING id, title, starts_at",
                (session_id,),
            ).fetchone()
            if seat is None:
                return jsonify(error="session_full_or_closed"), 409
            enrolment = conn.execute(
                "INSERT INTO enrolments (session_id, student_id) VALUES (%s, %s) "
                "ON CONFLICT (session_id, student_id) DO NOTHING RETURNING id",
                (session_id, g.student_id),
            ).fetchone()
            if enrolment is None:
                raise _AlreadyEnrolled()
    except _AlreadyEnrolled:
        return jsonify(error="already_enrolled"), 409
    log.info("student %s enrolled on session %s", g.student_id, session_id)
    return jsonify(enrolment_id=enrolment["id"], session=seat["title"], starts_at=seat["starts_at"]), 201


@bp.delete("/<int:session_id>/enrol")
@login_required
def withdraw(session_id):
    with connection() as conn, conn.transaction():
        removed = conn.execute(
            "DELETE FROM enrolments e USING class_sessions s "
            "WHERE e.session_id = s.id AND e.session_id = %s AND e.student_id = %s "
            "AND s.starts_at > now() + interval '48 hours' RETURNING e.id",
            (session_id, g.student_id),
        ).fetchone()
        if removed is None:
            return jsonify(error="not_enrolled_or_too_late"), 409
        conn.execute(
            "UPDATE class_sessions SET seats_taken = seats_taken - 1 WHERE id = %s AND seats_taken > 0",
            (session_id,),
        )
    log.info("student %s withdrew from session %s", g.student_id, session_id)
    return "", 204


@bp.get("/mine")
@login_required
def my_sessions():
    with connection() as conn:
        rows = conn.execute(
            "SELECT s.id, s.title, s.starts_at FROM enrolments e "
            "JOIN class_sessions s ON s.id = e.session_id "
            "WHERE e.student_id = %s AND s.starts_at > now() - interval '30 days' "
            "ORDER BY s.starts_at LIMIT 50",
            (g.student_id,),
        ).fetchall()
    return jsonify(sessions=rows)
