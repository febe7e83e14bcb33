"""Quotes: clients list and accept them; account managers upload client rate cards."""
from __future__ import annotations

import logging

import yaml
from flask import Blueprint, g, jsonify, request

from . import db
from .web import json_error, login_required

bp = Blueprint("quotes", __name__, url_prefix="/api/quotes")
log = logging.getLogger(__name__)


def _as_json(q: dict) -> dict:
    return {
        "id": q["id"],
        "document_id": q["document_id"],
        "words": q["word_count"],
        "amount_eur": float(q["amount_eur"]),
        "status": q["status"],
        "created_at": q["created_at"].isoformat(),
    }


@bp.get("")
@login_required("client")
def list_quotes():
    status = request.args.get("status", "sent")
    order = request.args.get("order", "created_at DESC")
    with db.transaction() as conn:
        rows = conn.execute(
            f"SELECT * FROM quotes WHERE client_id = %s AND status = %s ORDER BY {order}",  # expect: SEC001
            (g.client_id, status),
        ).fetchall()  # expect: DB002
    return jsonify({"quotes": [_as_json(q) for q in rows]})


@bp.get("/<int:quote_id>")
@login_required("client", "account_manager")
def get_quote(quote_id: int):
    quote = db.fetch_one("SELECT * FROM quotes WHERE id = %s", (quote_id,))  # expect: SEC018
    if quote is None:
        return json_error(404, "quote not found")
    return jsonify(_as_json(quote))


@bp.post("/<int:quote_id>/accept")
@login_required("client")
def accept_quote(quote_id: int):
    with db.transaction() as conn:
        quote = conn.execute(
            "SELECT id, status, document_id, amount_eur FROM quotes WHERE id = %s AND client_id = %s",
            (quote_id, g.client_id),
        ).fetchone()
        if quote is None:
            return json_error(404, "quote not found")
        if quote["status"] != "sent":
            return json_error(409, f"quote is {quote['status']}")
        conn.execute("UPDATE quotes SET status = 'accepted', accepted_at = now() WHERE id = %s", (quote_id,))  # expect: DB005
        job = conn.execute(
            "INSERT INTO jobs (client_id, quote_id, document_id, status, fee_cents) "
            "SELECT %s, q.id, q.document_id, 'open', (q.amount_eur * 45)::int FROM quotes q WHERE q.id = %s "
            "RETURNING id",
            (g.client_id, quote_id),
        ).fetchone()
    log.info("client=%s accepted quote=%s job=%s", g.client_id, quote_id, job["id"])
    return jsonify({"quote_id": quote_id, "job_id": job["id"]}), 201


@bp.post("/rate-cards/<int:client_id>")
@login_required("account_manager")
def upload_rate_card(client_id: int):
    card_file = request.files.get("card")
    if card_file is None:
        return json_error(400, "attach the rate card YAML")
    card = yaml.load(card_file.stream, Loader=yaml.Loader)  # expect: SEC004
    rates = {pair.upper(): float(rate) for pair, rate in card.get("per_word_eur", {}).items()}
    with db.transaction() as conn:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM client_rates WHERE client_id = %s", (client_id,))
            cur.executemany(
                "INSERT INTO client_rates (client_id, pair, rate_eur) VALUES (%s, %s, %s)",
                [(client_id, pair, rate) for pair, rate in rates.items()],
            )
    log.info("rate card for client=%s updated by user=%s (%d pairs)", client_id, g.user_id, len(rates))
    return jsonify({"client_id": client_id, "pairs": len(rates)})
