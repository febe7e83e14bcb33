import logging
from decimal import Decimal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from auth import Principal, require_role
from db import enqueue_outbox, get_conn

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/duties", tags=["duties-v2"])


class DutyPaymentIn(BaseModel):
    payment_ref: str = Field(min_length=6, max_length=40)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


async def settle_duty(conn: asyncpg.Connection, broker_id: int, declaration_id: int,
                      payment_ref: str, amount: Decimal) -> dict:
    async with conn.transaction():
        payment_id = await conn.fetchval(  # ok: DB005
            """
            INSERT INTO duty_payments (payment_ref, declaration_id, account_id, amount)
            SELECT $1, $2, a.id, $3 FROM deferment_accounts a WHERE a.broker_id = $4
            ON CONFLICT (payment_ref) DO NOTHING
            RETURNING id
            """,
            payment_ref, declaration_id, amount, broker_id,
        )
        if payment_id is None:
            return {"status": "duplicate", "payment_ref": payment_ref}

        remaining = await conn.fetchval(  # ok: DB004
            "UPDATE deferment_accounts SET balance = balance - $1, updated_at = now() "
            "WHERE broker_id = $2 AND balance >= $1 RETURNING balance",
            amount, broker_id,
        )
        if remaining is None:
            raise HTTPException(402, "insufficient deferment balance")

        await conn.execute(
            "UPDATE declarations SET duty_paid = duty_paid + $2 WHERE id = $1", declaration_id, amount
        )
        await enqueue_outbox(conn, "duty.settled", f"duty-{payment_ref}",
                             {"declaration_id": declaration_id, "amount": str(amount)})
    return {"status": "applied", "payment_ref": payment_ref, "balance": str(remaining)}


@router.post("/{declaration_id}/payments", status_code=201)
async def pay_duty(
    declaration_id: int,
    body: DutyPaymentIn,
    principal: Principal = Depends(require_role("finance")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    owned = await conn.fetchval(
        "SELECT 1 FROM declarations WHERE id = $1 AND broker_id = $2",
        declaration_id, principal.broker_id,
    )
    if not owned:
        raise HTTPException(404, "declaration not found")
    result = await settle_duty(conn, principal.broker_id, declaration_id, body.payment_ref, body.amount)
    log.info("duty payment %s for declaration %s: %s", body.payment_ref, declaration_id, result["status"])
    return result


@router.get("/payments")
async def list_payments(
    after_id: int = 0,
    limit: int = Query(50, ge=1, le=200),
    principal: Principal = Depends(require_role("finance")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    rows = await conn.fetch(
        """
        SELECT p.id, p.payment_ref, p.declaration_id, p.amount, p.created_at
        FROM duty_payments p
        JOIN deferment_accounts a ON a.id = p.account_id
        WHERE a.broker_id = $1 AND p.id > $2
        ORDER BY p.id
        LIMIT $3
        """,
        principal.broker_id, after_id, limit,
    )
    return {"items": [dict(r) for r in rows], "next_after_id": rows[-1]["id"] if rows else None}
