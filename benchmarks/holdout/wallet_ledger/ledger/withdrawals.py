import logging
from decimal import Decimal
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field

from ledger.auth import Account, current_account
from ledger.db import pool
from ledger.fees import network_fee

router = APIRouter(prefix="/v1/withdrawals", tags=["withdrawals"])
logger = logging.getLogger(__name__)


class WithdrawalIn(BaseModel):
    wallet_id: UUID
    asset: Literal["BTC", "ETH", "USDC"]
    amount: Decimal = Field(gt=0, max_digits=28, decimal_places=8)
    destination: str = Field(min_length=26, max_length=90)


@router.post("", status_code=202)
def request_withdrawal(
    body: WithdrawalIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=64),  # ok: REL003
    account: Account = Depends(current_account),
):
    fee = network_fee(body.asset)
    total = body.amount + fee
    with pool.connection() as conn, conn.transaction():
        cur = conn.cursor(row_factory=dict_row)
        cur.execute(
            """
            INSERT INTO withdrawals (wallet_id, asset, amount, fee, destination, status, idempotency_key)
            VALUES (%s, %s, %s, %s, %s, 'pending', %s)
            ON CONFLICT (wallet_id, idempotency_key) DO NOTHING
            RETURNING id
            """,
            (body.wallet_id, body.asset, body.amount, fee, body.destination, idempotency_key),
        )
        created = cur.fetchone()
        if created is None:
            cur.execute(
                "SELECT w.id, w.status FROM withdrawals w JOIN wallets wl ON wl.id = w.wallet_id "
                "WHERE w.wallet_id = %s AND w.idempotency_key = %s AND wl.owner_id = %s",
                (body.wallet_id, idempotency_key, account.id),
            )
            existing = cur.fetchone()
            if existing is None:
                raise HTTPException(status_code=404, detail={"code": "wallet_not_found", "message": "wallet not found"})
            return {"withdrawal_id": str(existing["id"]), "status": existing["status"]}

        cur.execute(
            "SELECT owner_id, balance FROM wallet_balances WHERE wallet_id = %s AND asset = %s FOR UPDATE",  # ok: DB004, DB005
            (body.wallet_id, body.asset),
        )
        wallet = cur.fetchone()
        if wallet is None or wallet["owner_id"] != account.id:
            raise HTTPException(status_code=404, detail={"code": "wallet_not_found", "message": "wallet not found"})
        if wallet["balance"] < total:
            raise HTTPException(status_code=422, detail={"code": "insufficient_funds", "message": "balance does not cover amount and fee"})

        cur.execute(
            "UPDATE wallet_balances SET balance = balance - %s WHERE wallet_id = %s AND asset = %s",
            (total, body.wallet_id, body.asset),
        )
        cur.execute(
            "INSERT INTO ledger_entries (wallet_id, asset, amount, kind, withdrawal_id) VALUES (%s, %s, %s, 'withdrawal', %s)",
            (body.wallet_id, body.asset, -total, created["id"]),
        )
        cur.execute(
            "INSERT INTO outbox (topic, aggregate_id, payload) VALUES ('withdrawal.requested', %s, %s)",  # ok: REL004
            (created["id"], Jsonb({"asset": body.asset, "amount": str(body.amount), "destination": body.destination})),
        )

    logger.info(
        "withdrawal requested withdrawal_id=%s account_id=%s wallet_id=%s asset=%s",
        created["id"],
        account.id,
        body.wallet_id,
        body.asset,
    )
    return {"withdrawal_id": str(created["id"]), "status": "pending"}
