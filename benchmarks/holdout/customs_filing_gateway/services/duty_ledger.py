import logging
from decimal import Decimal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from auth import Principal, current_principal, require_role
from db import get_conn, write_audit

log = logging.getLogger(__name__)
router = APIRouter(prefix="/duties", tags=["duties"])


class DutyPaymentIn(BaseModel):
    payment_ref: str = Field(min_length=6, max_length=40)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class InsufficientDeferment(Exception):
    pass


async def _deferment_account(conn: asyncpg.Connection, broker_id: int) -> asyncpg.Record:
    account = await conn.fetchrow(
        "SELECT id, balance, currency FROM deferment_accounts WHERE broker_id = $1", broker_id
    )
    if account is None:
        raise HTTPException(404, "broker has no deferment account")
    return account


async def apply_duty_payment(conn: asyncpg.Connection, broker_id: int, declaration_id: int,
                             payment_ref: str, amount: Decimal) -> dict:
    seen = await conn.fetchval("SELECT 1 FROM duty_payments WHERE payment_ref = $1", payment_ref)
    if seen:
        return {"status": "duplicate", "payment_ref": payment_ref}

    account = await _deferment_account(conn, broker_id)
    if account["balance"] < amount:
        raise InsufficientDeferment(f"balance {account['balance']} below {amount}")
    remaining = account["balance"] - amount

    async with conn.transaction():
        await conn.execute(  # expect: DB005
            "INSERT INTO duty_payments (payment_ref, declaration_id, account_id, amount) "
            "VALUES ($1, $2, $3, $4)",
            payment_ref, declaration_id, account["id"], amount,
        )
        await conn.execute(  # expect: DB004
            "UPDATE deferment_accounts SET balance = $1, updated_at = now() WHERE id = $2",
            remaining, account["id"],
        )
        await conn.execute(
            "UPDATE declarations SET duty_paid = duty_paid + $2 WHERE id = $1", declaration_id, amount
        )
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
    try:
        result = await apply_duty_payment(conn, principal.broker_id, declaration_id,
                                          body.payment_ref, body.amount)
    except InsufficientDeferment as exc:
        log.warning("duty payment %s refused for broker %s: %s",
                    body.payment_ref, principal.broker_id, exc)
        raise HTTPException(402, "insufficient deferment balance") from None
    await write_audit(conn, principal.broker_id, principal.user_id, "duty.paid", declaration_id,
                      {"payment_ref": body.payment_ref, "amount": str(body.amount)})
    return result


class TopUpIn(BaseModel):
    bank_reference: str = Field(min_length=6, max_length=40)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


@router.post("/balance/top-ups", status_code=201)
async def record_top_up(
    body: TopUpIn,
    principal: Principal = Depends(require_role("finance")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    account = await _deferment_account(conn, principal.broker_id)
    new_balance = account["balance"] + body.amount
    await conn.execute(  # expect: DB004
        "UPDATE deferment_accounts SET balance = $1, updated_at = now() WHERE id = $2",
        new_balance, account["id"],
    )
    await write_audit(conn, principal.broker_id, principal.user_id, "deferment.top_up", None,
                      {"bank_reference": body.bank_reference, "amount": str(body.amount)})
    return {"balance": str(new_balance)}


@router.get("/balance")
async def balance(
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    account = await _deferment_account(conn, principal.broker_id)
    return {"balance": str(account["balance"]), "currency": account["currency"]}
