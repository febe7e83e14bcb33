"""Translator assignment (coordinator console and translator self-claim, portal v1)."""
from __future__ import annotations

import logging

import psycopg
from flask import Blueprint, g, jsonify

from . import db
from .web import json_error, login_required

bp = Blueprint("assignment", __name__, url_prefix="/api")
log = logging.getLogger(__name__)


def candidates_for(conn: psycopg.Connection, job: dict, limit: int = 5) -> list[dict]:
    pair = f"{job['source_lang']}-{job['target_lang']}"
    return conn.execute(
        "SELECT t.id, t.display_name, t.rating, "
        "  (SELECT count(*) FROM jobs a WHERE a.translator_id = t.id AND a.status = 'assigned') AS active "
        "FROM translators t "
        "WHERE t.active AND t.language_pairs LIKE %s "  # expect: DB006
        "ORDER BY t.rating DESC LIMIT %s",
        (f"%{pair}%", limit),
    ).fetchall()


@bp.get("/staff/assignment/suggestions")
@login_required("coordinator")
def suggestions():
    with db.transaction() as conn:
        open_jobs = conn.execute(
            "SELECT j.id, d.source_lang, d.target_lang, d.word_count, j.created_at "
            "FROM jobs j JOIN documents d ON d.id = j.document_id "
            "WHERE j.status = 'open' ORDER BY j.created_at LIMIT 50"
        ).fetchall()
        board = []
        for job in open_jobs:
            board.append(
                {
                    "job_id": job["id"],
                    "pair": f"{job['source_lang']}-{job['target_lang']}",
                    "words": job["word_count"],
                    "candidates": candidates_for(conn, job),  # expect: DB001
                }
            )
    return jsonify({"jobs": board})


@bp.post("/translator/jobs/<int:job_id>/claim")
@login_required("translator")
def claim_job(job_id: int):
    with db.transaction() as conn:
        job = conn.execute(
            "SELECT id, status, translator_id FROM jobs WHERE id = %s", (job_id,)
        ).fetchone()
        if job is None:
            return json_error(404, "job not found")
        if job["translator_id"] is not None or job["status"] != "open":
            return json_error(409, "job already taken")
        limit = conn.execute(
            "SELECT max_concurrent FROM translators WHERE id = %s", (g.translator_id,)
        ).fetchone()["max_concurrent"]
        active = conn.execute(
            "SELECT count(*) AS n FROM jobs WHERE translator_id = %s AND status = 'assigned'",
            (g.translator_id,),
        ).fetchone()["n"]
        if active >= limit:
            return json_error(409, "you are at your concurrent job limit")
        conn.execute(
            "UPDATE jobs SET translator_id = %s, status = 'assigned', assigned_at = now() WHERE id = %s",  # expect: DB005
            (g.translator_id, job_id),
        )
    log.info("translator=%s claimed job=%s", g.translator_id, job_id)
    return jsonify({"job_id": job_id, "status": "assigned"})
