from decimal import Decimal
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException
from psycopg.rows import dict_row
from pydantic import BaseModel, Field

from ledger.auth import Account, current_account
from ledger.db import pool

router = APIRouter(prefix="/v1/transfers", tags=["transfers"])


class TransferIn(BaseModel):
    from_wallet: UUID
    to_wallet: UUID
    asset: Literal["BTC", "ETH", "USDC"]
    amount: Decimal = Field(gt=0, max_digits=28, decimal_places=8)
    memo: str = Field(default="", max_length=140)


@router.post("", status_code=201)
def create_transfer(body: TransferIn, account: Account = Depends(current_account)):
    if body.from_wallet == body.to_wallet:
        raise HTTPException(status_code=422, detail={"code": "same_wallet", "message": "source and destination are the same"})

    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(  # expect: DB005
            "SELECT owner_id, balance FROM wallet_balances WHERE wallet_id = %s AND asset = %s",
            (body.from_wallet, body.asset),
        )
        source = cur.fetchone()
        if source is None or source["owner_id"] != account.id:
            raise HTTPException(status_code=404, detail={"code": "wallet_not_found", "message": "source wallet not found"})
        if source["balance"] < body.amount:
            return {"status": "error", "message": "insufficient funds"}  # todo-expect: MNT001

        cur.execute(
            "SELECT balance FROM wallet_balances WHERE wallet_id = %s AND asset = %s",
            (body.to_wallet, body.asset),
        )
        dest = cur.fetchone()
        if dest is None:
            raise HTTPException(status_code=404, detail={"code": "wallet_not_found", "message": "destination wallet not found"})

        cur.execute(  # expect: DB004
            "UPDATE wallet_balances SET balance = %s WHERE wallet_id = %s AND asset = %s",
            (source["balance"] - body.amount, body.from_wallet, body.asset),
        )
        cur.execute(  # expect: DB004
            "UPDATE wallet_balances SET balance = %s WHERE wallet_id = %s AND asset = %s",
            (dest["balance"] + body.amount, body.to_wallet, body.asset),
        )
        cur.execute(
            """
            INSERT INTO ledger_entries (wallet_id, asset, amount, kind, counterparty_wallet_id, memo)
            VALUES (%s, %s, %s, 'transfer_out', %s, %s), (%s, %s, %s, 'transfer_in', %s, %s)
            RETURNING id
            """,
            (
                body.from_wallet, body.asset, -body.amount, body.to_wallet, body.memo,
                body.to_wallet, body.asset, body.amount, body.from_wallet, body.memo,
            ),
        )
        entry_id = cur.fetchone()["id"]

    return {"status": "completed", "entry_id": entry_id, "asset": body.asset, "amount": str(body.amount)}
