"""Order endpoints for customers: list, express carillon orders and cancellation."""

import logging
from decimal import Decimal

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from foundry.db import connection
from foundry.metal.stock import allocate_to_bell
from foundry.payments.gateway import payments_client

bp = Blueprint("orders", __name__, url_prefix="/orders")
logger = logging.getLogger(__name__)

CANCELLABLE = ("pending_deposit", "deposit_paid")
PER_PAGE = 25


def _parse_bells(raw) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 48:
        abort(400, description="an order needs between 1 and 48 bells")
    bells = []
    for item in raw:
        try:
            bells.append({
                "note": str(item["note"])[:4],
                "weight_kg": Decimal(str(item["weight_kg"])),
                "price_pence": int(item["price_pence"]),
                "inscription": str(item.get("inscription", ""))[:400],
            })
        except (KeyError, ValueError, ArithmeticError):
            abort(400, description="each bell needs note, weight_kg and price_pence")
    return bells


@bp.get("/")
@login_required
def list_orders():
    page = max(request.args.get("page", 1, type=int), 1)
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, reference, status, total_pence, created_at FROM orders "
            "WHERE customer_id = %s ORDER BY created_at DESC LIMIT %s OFFSET %s",
            (current_user.id, PER_PAGE, (page - 1) * PER_PAGE),
        ).fetchall()  # ok: DB002
    return jsonify({"orders": rows, "page": page})


@bp.post("/express")
@login_required
def create_express_order():
    """Single-melt carillon order paid by deposit straight away."""
    data = request.get_json(silent=True) or {}
    bells = _parse_bells(data.get("bells"))
    melt_id = int(data.get("melt_id", 0))
    checkout_token = str(data.get("checkout_token", ""))
    if not melt_id or not checkout_token:
        abort(400, description="melt_id and checkout_token are required")

    total = sum(b["price_pence"] for b in bells)
    deposit = total * current_app.config["STAGE_SPLIT"]["deposit"] // 100
    charge = payments_client().charge(  # expect: REL004
        customer_ref=current_user.payment_ref,
        amount_pence=deposit,
        description=f"Deposit for {len(bells)} bells",
        idempotency_key=f"express-{checkout_token}",
    )

    with connection() as conn:
        order = conn.execute(
            "INSERT INTO orders (customer_id, status, total_pence, checkout_token) "
            "VALUES (%s, 'deposit_paid', %s, %s) RETURNING id, reference",
            (current_user.id, total, checkout_token),
        ).fetchone()
        for bell in bells:
            bell_row = conn.execute(
                "INSERT INTO order_bells (order_id, note, weight_kg, price_pence, inscription) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (order["id"], bell["note"], bell["weight_kg"], bell["price_pence"], bell["inscription"]),
            ).fetchone()
            allocate_to_bell(conn, melt_id, bell_row["id"], bell["weight_kg"])
        conn.execute(
            "INSERT INTO stage_payments (order_id, stage, amount_pence, provider_ref, status) "
            "VALUES (%s, 'deposit', %s, %s, 'settled')",
            (order["id"], deposit, charge.id),
        )
    logger.info("express order placed", extra={"order_id": order["id"], "charge_id": charge.id})
    return jsonify(order), 201


@bp.post("/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int):
    with connection() as conn:
        order = conn.execute(
            "SELECT id, customer_id, status FROM orders WHERE id = %s", (order_id,)
        ).fetchone()
        if order is None:
            abort(404, description="order not found")
        assert order["customer_id"] == current_user.id, "order belongs to another customer"  # expect: SEC017
        if order["status"] not in CANCELLABLE:
            abort(409, description="this order can no longer be cancelled")
        cancelled = conn.execute(
            "UPDATE orders SET status = 'cancelled', cancelled_at = now() "
            "WHERE id = %s AND status = ANY(%s)",  # ok: DB005
            (order_id, list(CANCELLABLE)),
        ).rowcount
    if not cancelled:
        abort(409, description="this order changed while it was being cancelled")
    return jsonify({"id": order_id, "status": "cancelled"})
