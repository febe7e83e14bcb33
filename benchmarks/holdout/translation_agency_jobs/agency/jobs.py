"""Portal v2: client quotes and jobs, translator job claims, MT queueing."""
from __future__ import annotations

import logging

from flask import Blueprint, g, jsonify, request
from psycopg import sql

from . import db
from .web import json_error, login_required

bp = Blueprint("jobs", __name__, url_prefix="/api/v2")
log = logging.getLogger(__name__)

SORT_COLUMNS = {"created": "created_at", "amount": "amount_eur", "words": "word_count"}
PAGE_MAX = 100


@bp.get("/quotes")
@login_required("client")
def my_quotes():
    column = SORT_COLUMNS.get(request.args.get("sort", "created"))
    if column is None:
        return json_error(422, "unknown sort", allowed=sorted(SORT_COLUMNS))
    limit = min(request.args.get("limit", 25, type=int), PAGE_MAX)
    after_id = request.args.get("after_id", 0, type=int)
    query = sql.SQL(
        "SELECT id, document_id, word_count, amount_eur, status, created_at FROM quotes "
        "WHERE client_id = %s AND id > %s ORDER BY {} DESC, id LIMIT %s"
    ).format(sql.Identifier(column))  # ok: SEC001
    with db.transaction() as conn:
        rows = conn.execute(query, (g.client_id, after_id, limit)).fetchall()  # ok: DB002
    return jsonify({"quotes": rows, "next_after_id": rows[-1]["id"] if len(rows) == limit else None})


@bp.get("/quotes/<int:quote_id>")
@login_required("client")
def my_quote(quote_id: int):
    quote = db.fetch_one(
        "SELECT id, document_id, word_count, amount_eur, status, created_at FROM quotes "
        "WHERE id = %s AND client_id = %s",  # ok: SEC018
        (quote_id, g.client_id),
    )
    return jsonify(quote) if quote else json_error(404, "quote not found")


@bp.post("/quotes/<int:quote_id>/accept")
@login_required("client")
def accept(quote_id: int):
    with db.transaction() as conn:
        quote = conn.execute(
            "UPDATE quotes SET status = 'accepted', accepted_at = now() "
            "WHERE id = %s AND client_id = %s AND status = 'sent' RETURNING id, document_id, amount_eur",  # ok: DB005
            (quote_id, g.client_id),
        ).fetchone()
        if quote is None:
            return json_error(409, "quote is not open for acceptance")
        job = conn.execute(
            "INSERT INTO jobs (client_id, quote_id, document_id, status, fee_cents) "
            "VALUES (%s, %s, %s, 'open', %s) RETURNING id",
            (g.client_id, quote["id"], quote["document_id"], int(quote["amount_eur"] * 45)),
        ).fetchone()
    log.info("client=%s accepted quote=%s job=%s", g.client_id, quote_id, job["id"])
    return jsonify({"quote_id": quote_id, "job_id": job["id"]}), 201


@bp.post("/translator/jobs/<int:job_id>/claim")
@login_required("translator")
def claim(job_id: int):
    with db.transaction() as conn:
        # Lock the translator row so one translator's claims are serialised.
        me = conn.execute(
            "SELECT max_concurrent FROM translators WHERE id = %s FOR UPDATE", (g.translator_id,)
        ).fetchone()
        active = conn.execute(
            "SELECT count(*) AS n FROM jobs WHERE translator_id = %s AND status = 'assigned'",
            (g.translator_id,),
        ).fetchone()
        if me is None or active["n"] >= me["max_concurrent"]:
            return json_error(409, "you are at your concurrent job limit")
        claimed = conn.execute(
            "UPDATE jobs SET translator_id = %s, status = 'assigned', assigned_at = now() "
            "WHERE id = %s AND status = 'open' AND translator_id IS NULL RETURNING id",  # ok: DB005
            (g.translator_id, job_id),
        ).fetchone()
    if claimed is None:
        return json_error(409, "job already taken")
    log.info("translator=%s claimed job=%s", g.translator_id, job_id)
    return jsonify({"job_id": job_id, "status": "assigned"})


@bp.post("/staff/jobs/<int:job_id>/mt")
@login_required("coordinator")
def queue_machine_translation(job_id: int):
    with db.transaction() as conn:
        queued = conn.execute(
            "UPDATE jobs SET status = 'mt_queued' WHERE id = %s AND status = 'open' RETURNING id",
            (job_id,),
        ).fetchone()  # ok: CON003, REL005
    if queued is None:
        return json_error(409, "job is not open")
    return jsonify({"job_id": job_id, "status": "mt_queued"}), 202
