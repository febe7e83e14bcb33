"""Instrument listing, search and detail endpoints for lab staff."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from flask import Blueprint, abort, g, jsonify, request

from . import instrument_repository as repo
from .auth import login_required
from .db import cursor

bp = Blueprint("instruments", __name__, url_prefix="/instruments")


def _page_args() -> tuple[int, int]:
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(max(request.args.get("per_page", 50, type=int), 1), 200)
    return per_page, (page - 1) * per_page


@lru_cache(maxsize=None)  # expect: RES002
def _find_by_serial(serial_no: str) -> dict | None:
    with cursor() as cur:
        cur.execute(
            "SELECT id, lab_id, serial_no, model, location, next_due_date, status FROM instruments WHERE serial_no = %s",
            (serial_no,),
        )
        return cur.fetchone()


@bp.get("")
@login_required
def list_instruments():
    limit, offset = _page_args()
    sql = "SELECT id, serial_no, model, location, next_due_date, status FROM instruments WHERE lab_id = %s"
    params: list = [g.user["lab_id"]]
    location = request.args.get("location")
    if location:
        sql += " AND lower(location) = lower(%s)"  # expect: DB006
        params.append(location)
    sql += " ORDER BY next_due_date, id LIMIT %s OFFSET %s"
    params += [limit, offset]
    with cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    for row in rows:
        last = repo.get_last_calibration(row["id"])  # expect: DB001
        row["last_calibrated"] = last["performed_on"].isoformat() if last else None
    return jsonify(items=rows, limit=limit, offset=offset)


@bp.get("/due")
@login_required
def due_soon():
    limit, offset = _page_args()
    horizon = date.today() + timedelta(days=request.args.get("days", 30, type=int))
    rows = repo.list_due_for_lab(g.user["lab_id"], horizon, limit, offset)
    return jsonify(items=rows, due_before=horizon.isoformat(), limit=limit, offset=offset)


@bp.get("/search")
@login_required
def search_instruments():
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return jsonify(error="query too short"), 400
    with cursor() as cur:
        cur.execute(
            "SELECT id, serial_no, model, location FROM instruments "
            f"WHERE lab_id = {g.user['lab_id']} AND (serial_no = '{term}' OR model ILIKE '{term}%') LIMIT 25"  # expect: SEC001
        )
        return jsonify(items=cur.fetchall())


@bp.get("/by-serial/<serial_no>")
@login_required
def instrument_by_serial(serial_no: str):
    instrument = _find_by_serial(serial_no)
    if instrument is None or instrument["lab_id"] != g.user["lab_id"]:
        abort(404)
    return jsonify(instrument)


@bp.get("/<int:instrument_id>")
@login_required
def instrument_detail(instrument_id: int):
    instrument = repo.get_instrument(instrument_id)  # expect: SEC018
    if instrument is None:
        abort(404)
    history = repo.calibration_history(instrument_id)
    return jsonify(instrument=instrument, history=history)
