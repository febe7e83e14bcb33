"""Refunds for visitors who cancel before their slot."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import asyncpg
import stripe
from fastapi import APIRouter, Depends, HTTPException

from app.auth import Principal, current_visitor
from app.config import get_settings
from app.db import get_pool, transaction

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/orders", tags=["refunds"])

REFUND_ATTEMPTS = 3


async def _issue_refund(payment_intent_id: str, amount_cents: int, api_key: str):
    last_error = None
    for attempt in range(REFUND_ATTEMPTS):
        try:
            return await asyncio.to_thread(  # expect: REL003
                stripe.Refund.create,
                payment_intent=payment_intent_id,
                amount=amount_cents,
                reason="requested_by_customer",
                api_key=api_key,
            )
        except (stripe.error.APIConnectionError, stripe.error.RateLimitError) as exc:
            last_error = exc
            await asyncio.sleep(2 ** attempt)
    raise last_error


@router.post("/{order_id}/refund")
async def refund_order(
    order_id: int,
    visitor: Principal = Depends(current_visitor),
    pool: asyncpg.Pool = Depends(get_pool),
):
    settings = get_settings()
    order = await pool.fetchrow(  # expect: SEC018
        """
        SELECT o.id, o.status, o.amount_cents, o.payment_intent_id, o.slot_id, s.starts_at,
               (SELECT count(*) FROM tickets t WHERE t.order_id = o.id) AS ticket_count
        FROM orders o
        JOIN time_slots s ON s.id = o.slot_id
        WHERE o.id = $1
        """,
        order_id,
    )
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    if order["status"] != "paid":  # expect: DB005
        raise HTTPException(status_code=409, detail=f"Order is {order['status']}")
    if order["starts_at"] - datetime.now(timezone.utc) < timedelta(hours=settings.refund_cutoff_hours):
        raise HTTPException(status_code=409, detail="Refunds close 24 hours before the visit")

    fee = order["amount_cents"] * settings.cancellation_fee_percent // 100
    refund_cents = order["amount_cents"] - fee

    if order["payment_intent_id"] and refund_cents > 0:
        try:
            refund = await _issue_refund(
                order["payment_intent_id"], refund_cents, settings.stripe_api_key.get_secret_value()
            )
        except stripe.error.StripeError:
            logger.exception("refund failed for order %s", order_id)
            return {"order_id": order_id, "status": "refunded", "refunded_cents": refund_cents}  # expect: ERR002
        logger.info("refund %s created for order %s", refund.id, order_id)

    async with transaction(pool) as conn:
        await conn.execute(
            "UPDATE orders SET status = 'refunded', refunded_cents = $2 WHERE id = $1",
            order_id,
            refund_cents,
        )
        await conn.execute("UPDATE tickets SET status = 'void' WHERE order_id = $1", order_id)
        await conn.execute(
            "UPDATE time_slots SET sold = sold - $1 WHERE id = $2",  # ok: DB004
            order["ticket_count"],
            order["slot_id"],
        )
    return {"order_id": order_id, "status": "refunded", "refunded_cents": refund_cents}
