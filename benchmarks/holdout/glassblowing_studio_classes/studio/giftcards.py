"""Gift cards sold at the front desk and online, issued by staff."""
import logging
import random
import string
from datetime import date, timedelta

from flask import Blueprint, current_app, g, jsonify, request
from psycopg.types.json import Jsonb

from .auth import staff_required
from .db import connection, page_args

log = logging.getLogger(__name__)
bp = Blueprint("giftcards", __name__, url_prefix="/giftcards")

CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 12
ALLOWED_VALUES_PENCE = (2500, 5000, 7500, 10000, 15000)


def _new_code():
    body = "".join(random.choices(CODE_ALPHABET, k=CODE_LENGTH))  # expect: SEC010
    return f"GB-{body[:4]}-{body[4:8]}-{body[8:]}"


@bp.post("/")
@staff_required
def issue_card():
    data = request.get_json(force=True)
    value = int(data.get("value_pence", 0))
    if value not in ALLOWED_VALUES_PENCE:
        return jsonify(error="unsupported_value", allowed=ALLOWED_VALUES_PENCE), 400
    recipient_email = (data.get("recipient_email") or "").strip() or None
    expires_on = date.today() + timedelta(days=current_app.config["GIFT_CARD_VALIDITY_DAYS"])

    with connection() as conn:
        card = None
        for _ in range(5):
            card = conn.execute(
                "INSERT INTO gift_cards (code, balance_pence, initial_pence, expires_on, issued_by, status) "
                "VALUES (%s, %s, %s, %s, %s, 'active') ON CONFLICT (code) DO NOTHING RETURNING id, code",
                (_new_code(), value, value, expires_on, g.student_id),
            ).fetchone()
            if card is not None:
                break
        if card is None:
            return jsonify(error="could_not_allocate_code"), 503
        if recipient_email:
            conn.execute(
                "INSERT INTO mail_outbox (recipient, template, payload) VALUES (%s, 'gift_card', %s)",
                (recipient_email, Jsonb({"code": card["code"], "value_pence": value, "expires_on": expires_on.isoformat()})),
            )
    log.info("gift card %s issued by staff %s for %s pence", card["id"], g.student_id, value)
    return jsonify(id=card["id"], code=card["code"], expires_on=expires_on.isoformat()), 201


@bp.get("/")
@staff_required
def list_cards():
    page, per_page, offset = page_args(request.args)
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, right(code, 4) AS code_tail, balance_pence, initial_pence, expires_on, status "
            "FROM gift_cards ORDER BY id DESC LIMIT %s OFFSET %s",
            (per_page, offset),
        ).fetchall()
    return jsonify(page=page, cards=rows)


@bp.post("/<int:card_id>/void")
@staff_required
def void_card(card_id):
    reason = (request.get_json(silent=True) or {}).get("reason", "")[:200]
    with connection() as conn:
        card = conn.execute(
            "UPDATE gift_cards SET status = 'void', void_reason = %s WHERE id = %s AND status = 'active' "
            "RETURNING id",
            (reason, card_id),
        ).fetchone()
    if card is None:
        return jsonify(error="not_found_or_inactive"), 404
    log.info("gift card %s voided by staff %s", card_id, g.student_id)
    return jsonify(status="void")
