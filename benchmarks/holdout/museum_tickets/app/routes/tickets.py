"""Individual timed-entry ticket purchases."""
import logging
from datetime import datetime, timezone

import asyncpg
import stripe
from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from pydantic import BaseModel, Field

from app.auth import Principal, current_visitor
from app.config import get_settings
from app.db import get_pool
from app.services.members import member_discount_percent
from app.services.qr import new_ticket_code, sign_ticket
from app.services.receipts import send_order_receipt

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/orders", tags=["orders"])

TICKET_TYPES = {"adult": 1.0, "senior": 0.7, "student": 0.6, "child": 0.0}


class OrderLine(BaseModel):
    ticket_type: str
    quantity: int = Field(ge=1, le=10)


class OrderRequest(BaseModel):
    slot_id: int
    lines: list[OrderLine] = Field(min_length=1, max_length=4)
    payment_method_id: str


def price_order(base_price_cents: int, lines: list[OrderLine], discount_percent: int) -> int:
    total = 0
    for line in lines:
        if line.ticket_type not in TICKET_TYPES:
            raise HTTPException(status_code=422, detail=f"Unknown ticket type {line.ticket_type}")
        total += round(base_price_cents * TICKET_TYPES[line.ticket_type]) * line.quantity
    return total - total * discount_percent // 100


@router.post("", status_code=201)
async def create_order(
    body: OrderRequest,
    background: BackgroundTasks,
    visitor: Principal = Depends(current_visitor),
    pool: asyncpg.Pool = Depends(get_pool),
):
    settings = get_settings()
    quantity = sum(line.quantity for line in body.lines)
    if quantity > settings.max_tickets_per_order:
        raise HTTPException(status_code=422, detail="Too many tickets in one order")

    slot = await pool.fetchrow(
        "SELECT id, capacity, sold, price_cents, starts_at FROM time_slots WHERE id = $1",
        body.slot_id,
    )
    if slot is None or slot["starts_at"] <= datetime.now(timezone.utc):
        raise HTTPException(status_code=404, detail="Slot not available")
    if slot["sold"] + quantity > slot["capacity"]:  # expect: DB005
        raise HTTPException(status_code=409, detail="Not enough tickets left for this slot")

    discount = await member_discount_percent(visitor.email)
    amount = price_order(slot["price_cents"], body.lines, discount)

    intent_id = None
    if amount > 0:
        intent = stripe.PaymentIntent.create(  # expect: CON001, REL003, REL004
            amount=amount,
            currency=settings.currency,
            payment_method=body.payment_method_id,
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"slot_id": slot["id"], "visitor": visitor.subject},
            api_key=settings.stripe_api_key.get_secret_value(),
        )
        if intent.status != "succeeded":
            raise HTTPException(status_code=402, detail="Payment was not completed")
        intent_id = intent.id

    tickets = [(line.ticket_type, new_ticket_code()) for line in body.lines for _ in range(line.quantity)]

    async with pool.acquire() as conn:
        order_id = await conn.fetchval(
            """
            INSERT INTO orders (visitor_id, email, slot_id, amount_cents, discount_percent,
                                payment_intent_id, status)
            VALUES ($1, $2, $3, $4, $5, $6, 'paid')
            RETURNING id
            """,
            visitor.subject,
            visitor.email,
            slot["id"],
            amount,
            discount,
            intent_id,
        )
        await conn.execute("UPDATE time_slots SET sold = $1 WHERE id = $2", slot["sold"] + quantity, slot["id"])  # expect: DB004
        await conn.executemany(
            "INSERT INTO tickets (order_id, slot_id, ticket_type, code, status) VALUES ($1, $2, $3, $4, 'valid')",
            [(order_id, slot["id"], ticket_type, code) for ticket_type, code in tickets],
        )

    payloads = [sign_ticket(code) for _, code in tickets]
    background.add_task(send_order_receipt, order_id, visitor.email, payloads)  # expect: REL005
    logger.info("order %s paid for slot %s (%d tickets)", order_id, slot["id"], quantity)
    return {"order_id": order_id, "amount_cents": amount, "tickets": payloads}


@router.get("/{order_id}")
async def get_order(order_id: int, visitor: Principal = Depends(current_visitor), pool: asyncpg.Pool = Depends(get_pool)):
    order = await pool.fetchrow(
        "SELECT id, slot_id, amount_cents, status, created_at FROM orders WHERE id = $1 AND visitor_id = $2",
        order_id,
        visitor.subject,
    )
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    return dict(order)
