import logging
from datetime import date

from flask import Blueprint, abort, g, jsonify, request

from crm.auth import admin_required, login_required
from crm.db import get_cursor

bp = Blueprint("install_jobs", __name__)
logger = logging.getLogger(__name__)

ALLOWED_TRANSITIONS = {
    "scheduled": {"in_progress", "cancelled"},
    "in_progress": {"inspection", "blocked"},
    "blocked": {"in_progress", "cancelled"},
    "inspection": {"completed", "in_progress"},
}
PAGE_SIZE = 50


@bp.post("/quotes/<int:quote_id>/install-job")
@admin_required
def create_install_job(quote_id: int):
    install_date = date.fromisoformat(request.form["install_date"])
    crew_id = int(request.form["crew_id"])
    with get_cursor() as cur:
        cur.execute(
            "SELECT lead_id, panel_model, panel_count, system_kwp FROM quotes WHERE id = %s AND status = 'signed'",
            (quote_id,),
        )
        quote = cur.fetchone()
        if quote is None:
            abort(404)
        lead_id, panel_model, panel_count, kwp = quote
        cur.execute(  # ok: DB004
            "UPDATE panel_inventory SET on_hand = on_hand - %s"
            " WHERE model = %s AND on_hand >= %s RETURNING on_hand",
            (panel_count, panel_model, panel_count),
        )
        if cur.fetchone() is None:
            return jsonify(error="not enough panels in stock", model=panel_model), 409
        cur.execute(
            "INSERT INTO install_jobs (quote_id, lead_id, crew_id, install_date, system_kwp, status, version)"
            " VALUES (%s, %s, %s, %s, %s, 'scheduled', 1) RETURNING id",
            (quote_id, lead_id, crew_id, install_date, kwp),
        )
        job_id = cur.fetchone()[0]
    logger.info("install job %s created for quote %s by %s", job_id, quote_id, g.rep_id)
    return jsonify(id=job_id, status="scheduled"), 201


@bp.post("/install-jobs/<int:job_id>/status")
@admin_required
def change_status(job_id: int):
    new_status = request.form.get("status", "")
    version = request.form.get("version", type=int)
    with get_cursor() as cur:
        cur.execute("SELECT status FROM install_jobs WHERE id = %s", (job_id,))
        row = cur.fetchone()
        if row is None:
            abort(404)
        if new_status not in ALLOWED_TRANSITIONS.get(row[0], set()):
            return jsonify(error=f"cannot move from {row[0]} to {new_status}"), 409
        cur.execute(  # ok: DB004
            "UPDATE install_jobs SET status = %s, version = version + 1, updated_at = now()"
            " WHERE id = %s AND version = %s RETURNING version",
            (new_status, job_id, version),
        )
        updated = cur.fetchone()
        if updated is None:
            return jsonify(error="job was changed by someone else, reload and retry"), 409
    logger.info("install job %s -> %s by %s", job_id, new_status, g.rep_id)
    return jsonify(id=job_id, status=new_status, version=updated[0])


@bp.get("/install-jobs")
@login_required
def list_jobs():
    page = max(request.args.get("page", 1, type=int), 1)
    with get_cursor() as cur:
        cur.execute(
            "SELECT id, install_date, status, crew_id, version FROM install_jobs"
            " WHERE install_date >= current_date ORDER BY install_date LIMIT %s OFFSET %s",  # ok: DB002
            (PAGE_SIZE, (page - 1) * PAGE_SIZE),
        )
        rows = cur.fetchall()
    return jsonify(
        page=page,
        items=[
            {"id": r[0], "install_date": r[1].isoformat(), "status": r[2], "crew_id": r[3], "version": r[4]}
            for r in rows
        ],
    )
