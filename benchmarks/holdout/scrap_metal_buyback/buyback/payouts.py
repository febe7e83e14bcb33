"""Paying walk-in sellers for closed tickets: card transfer or cash drawer."""
from __future__ import annotations

import logging
import time

import requests
from flask import Blueprint, g, jsonify, request

from buyback.auth import staff_required
from buyback.config import settings
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("payouts", __name__, url_prefix="/payouts")

TICKET_SQL = """
    SELECT t.id, t.status, t.total_cents, s.id AS seller_id, s.payout_ref, s.id_verified
      FROM weigh_tickets t JOIN sellers s ON s.id = t.seller_id
     WHERE t.id = %s
"""


def _send_transfer(payout_ref: str, amount_cents: int, ticket_id: int) -> dict:
    body = {
        "destination": payout_ref,
        "amount": amount_cents,
        "currency": "usd",
        "memo": f"Scrap ticket {ticket_id}",
    }
    headers = {"Authorization": f"Bearer {settings.payout_api_key}"}
    while True:  # expect: REL002
        try:
            resp = requests.post(  # expect: REL001, REL003
                f"{settings.payout_api_url}/transfers", json=body, headers=headers
            )
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()
            log.warning("payout api returned %s for ticket %s", resp.status_code, ticket_id)
        except requests.ConnectionError:
            log.warning("payout api unreachable for ticket %s", ticket_id)
        time.sleep(2)


@bp.post("/tickets/<int:ticket_id>/card")
@staff_required(role="cashier")
def pay_to_card(ticket_id: int):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(TICKET_SQL, (ticket_id,))
        ticket = cur.fetchone()
        if ticket is None:
            return jsonify(error="ticket not found"), 404
        if ticket["status"] != "closed":
            return jsonify(error=f"ticket is {ticket['status']}"), 409
        if not ticket["payout_ref"]:
            return jsonify(error="seller has no payout card on file"), 422

        transfer = _send_transfer(ticket["payout_ref"], ticket["total_cents"], ticket_id)  # expect: REL004
        cur.execute(  # expect: DB005
            "UPDATE weigh_tickets SET status = 'paid', paid_at = now(), paid_by = %s,"
            " payout_method = 'card', transfer_id = %s WHERE id = %s",
            (g.staff_id, transfer["id"], ticket_id),
        )
        conn.commit()
    log.info("ticket %s paid to card by staff %s", ticket_id, g.staff_id)
    return jsonify(id=ticket_id, status="paid", transfer_id=transfer["id"])


@bp.post("/tickets/<int:ticket_id>/cash")
@staff_required(role="cashier")
def pay_cash(ticket_id: int):
    drawer_id = int(request.args.get("drawer", 1))
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE weigh_tickets t SET status = 'paid', paid_at = now(), paid_by = %s,"
            " payout_method = 'cash' FROM sellers s"
            " WHERE t.id = %s AND t.status = 'closed' AND s.id = t.seller_id"
            "   AND (t.total_cents <= %s OR s.id_verified)"
            " RETURNING t.total_cents",
            (g.staff_id, ticket_id, settings.cash_limit_cents),
        )
        paid = cur.fetchone()  # ok: DB005
        if paid is None:
            conn.rollback()
            return jsonify(error="ticket not payable in cash"), 409

        cur.execute("SELECT balance_cents FROM cash_drawers WHERE id = %s", (drawer_id,))
        drawer = cur.fetchone()
        if drawer is None or drawer["balance_cents"] < paid["total_cents"]:
            conn.rollback()
            return jsonify(error="not enough cash in drawer"), 409
        cur.execute(
            "UPDATE cash_drawers SET balance_cents = %s WHERE id = %s",  # expect: DB004
            (drawer["balance_cents"] - paid["total_cents"], drawer_id),
        )
        conn.commit()
    log.info("ticket %s paid cash from drawer %s by staff %s", ticket_id, drawer_id, g.staff_id)
    return jsonify(id=ticket_id, status="paid", amount_cents=paid["total_cents"])
