"""Voucher checks at partner tills, and voucher look-up for the support desk."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, g, jsonify, request

from loyalty import db
from loyalty.auth import partner_required, staff_required

log = logging.getLogger(__name__)
bp = Blueprint("vouchers", __name__)


@lru_cache(maxsize=None)  # expect: RES002
def offer_terms(voucher_code: str) -> dict:
    row = db.fetch_one(
        "SELECT o.title, o.terms, o.min_spend_pence FROM vouchers v "
        "JOIN offers o ON o.id = v.offer_id WHERE v.code = %s",
        (voucher_code,),
    )
    return dict(row) if row else {}


@bp.get("/partner/vouchers/<code>")
@partner_required
def check_voucher(code: str):
    code = code.strip().upper()
    voucher = db.fetch_one(
        "SELECT status, partner_code, expires_at FROM vouchers WHERE code = %s", (code,)
    )
    if voucher is None or voucher["partner_code"] != g.partner_code:
        return jsonify({"error": "unknown_voucher"}), 404
    return jsonify({"code": code, "status": voucher["status"], "expires_at": voucher["expires_at"].isoformat(),
                    "terms": offer_terms(code)})


@bp.post("/partner/vouchers/<code>/use")
@partner_required
def use_voucher(code: str):
    code = code.strip().upper()
    try:
        basket_pence = int((request.get_json(silent=True) or {}).get("basket_pence", 0))
    except (TypeError, ValueError):
        return jsonify({"error": "invalid_request"}), 400
    with db.connection() as conn:
        voucher = conn.execute(
            "SELECT id, status, partner_code, member_id, expires_at < now() AS expired FROM vouchers WHERE code = %s",
            (code,),
        ).fetchone()
        if voucher is None or voucher["partner_code"] != g.partner_code:
            return jsonify({"error": "unknown_voucher"}), 404
        if voucher["status"] != "issued" or voucher["expired"]:
            return jsonify({"error": "voucher_not_usable", "status": voucher["status"]}), 409
        terms = offer_terms(code)
        if basket_pence < terms.get("min_spend_pence", 0):
            return jsonify({"error": "min_spend_not_met", "min_spend_pence": terms["min_spend_pence"]}), 422

        conn.execute(  # expect: DB005
            "UPDATE vouchers SET status = 'used', used_at = now(), used_store = %s WHERE id = %s",
            (g.partner_store, voucher["id"]),
        )
        conn.commit()
    log.info("voucher %s used at %s/%s", voucher["id"], g.partner_code, g.partner_store)
    return jsonify({"status": "used"}), 200


@bp.get("/backoffice/vouchers/search")
@staff_required
def search_vouchers():
    fragment = request.args.get("q", "").strip().upper()
    if len(fragment) < 4:
        return jsonify({"error": "query_too_short"}), 400
    with db.connection() as conn:
        rows = conn.execute(  # expect: DB006
            "SELECT v.code, v.status, v.partner_code, v.created_at, m.email FROM vouchers v "
            "JOIN members m ON m.id = v.member_id WHERE v.code ILIKE %s ORDER BY v.created_at DESC LIMIT 50",
            (f"%{fragment}%",),
        ).fetchall()
    return jsonify({"results": rows})
