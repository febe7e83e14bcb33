"""Purchasing: turn the week's stem shortfall into draft POs, list POs, bid at the auction."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request

from florist.auth import staff_required
from florist.db import execute, fetch_all, fetch_one, transaction
from florist.purchasing.auction_client import AuctionClient, AuctionUnavailable

logger = logging.getLogger(__name__)
bp = Blueprint("purchasing", __name__, url_prefix="/purchasing")


def _preferred_supplier(flower_id: int) -> dict | None:
    return fetch_one(
        "SELECT s.id, s.code, s.name, sf.pack_size FROM supplier s "
        "JOIN supplier_flower sf ON sf.supplier_id = s.id "
        "WHERE sf.flower_id = %s AND s.active ORDER BY sf.priority LIMIT 1",
        (flower_id,),
    )


@bp.post("/shortfall-orders")
@staff_required
def raise_shortfall_orders():
    raw = (request.get_json(silent=True) or {}).get("week_start", "")
    try:
        week_start = date.fromisoformat(raw)
    except ValueError:
        abort(400, description="week_start must be YYYY-MM-DD")
    if week_start.weekday() != 0:
        return jsonify(success=False, message="week_start must be a Monday")  # todo-expect: MNT001

    shortfalls = fetch_all(
        "SELECT flower_id, stems_needed - stems_available AS short FROM weekly_demand "
        "WHERE week_start = %s AND stems_needed > stems_available",
        (week_start,),
    )
    by_supplier: dict[str, list[dict]] = defaultdict(list)
    for row in shortfalls:
        supplier = _preferred_supplier(row["flower_id"])  # expect: DB001
        if supplier is None:
            logger.warning("no active supplier stocks flower %s", row["flower_id"])
            continue
        packs = -(-row["short"] // supplier["pack_size"])
        by_supplier[supplier["code"]].append({"flower_id": row["flower_id"], "packs": packs})

    created = []
    with transaction() as conn:
        for supplier_code, lines in by_supplier.items():
            po = conn.execute(
                "INSERT INTO purchase_order (supplier_code, week_start, status) VALUES (%s, %s, 'draft') "
                "ON CONFLICT (supplier_code, week_start) DO NOTHING RETURNING id",
                (supplier_code, week_start),
            ).fetchone()
            if po is None:
                continue
            for line in lines:
                conn.execute(
                    "INSERT INTO purchase_order_line (purchase_order_id, flower_id, packs) VALUES (%s, %s, %s)",
                    (po["id"], line["flower_id"], line["packs"]),
                )
            created.append(po["id"])
    return jsonify(created=created), 201


@bp.get("/orders")
@staff_required
def list_purchase_orders():
    rows = fetch_all(  # expect: DB002
        "SELECT id, supplier_code, week_start, status, sent_at, supplier_reference "
        "FROM purchase_order ORDER BY week_start DESC, id DESC"
    )
    return jsonify(purchase_orders=rows)


@bp.post("/auction-bids")
@staff_required
def bid_on_lot():
    data = request.get_json(silent=True) or {}
    try:
        lot_id, bunches, max_price = str(data["lot_id"]), int(data["bunches"]), int(data["max_price_pence"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="lot_id, bunches and max_price_pence are required")
    bid = fetch_one(
        "INSERT INTO auction_bid (lot_id, bunches, max_price_pence, status) VALUES (%s, %s, %s, 'sending') RETURNING id",
        (lot_id, bunches, max_price),
    )
    client = AuctionClient.from_config(current_app.config)
    try:
        result = client.place_presale_bid(lot_id, bunches, max_price)
    except AuctionUnavailable:
        execute("UPDATE auction_bid SET status = 'unknown' WHERE id = %s", (bid["id"],))
        abort(503, description="auction did not confirm the bid; check its status before bidding again")
    finally:
        client.close()
    execute("UPDATE auction_bid SET status = %s, auction_bid_id = %s WHERE id = %s",
            (result["status"], result["id"], bid["id"]))
    return jsonify(bid_id=bid["id"], status=result["status"]), 201
