from datetime import date
from decimal import Decimal
from functools import lru_cache
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, HTTPException

from ledger.auth import Account, current_account, ensure_wallet_owner
from ledger.db import pool
from ledger.settings import settings

router = APIRouter(prefix="/v1/wallets", tags=["statements"])

_rates = httpx.Client(base_url=settings.rates_api_url, timeout=5.0)


@lru_cache(maxsize=None)  # expect: RES002
def fiat_rate(asset: str, day: date, currency: str) -> Decimal:
    resp = _rates.get("/v1/daily", params={"asset": asset, "day": day.isoformat(), "quote": currency})
    resp.raise_for_status()
    return Decimal(resp.json()["close"])


@router.get("/{wallet_id}/statement")
def wallet_statement(
    wallet_id: UUID,
    start: date,
    end: date,
    kind: str | None = None,
    currency: str = "USD",
    account: Account = Depends(current_account),
):
    ensure_wallet_owner(account, wallet_id)
    if end <= start:
        raise HTTPException(status_code=422, detail={"code": "invalid_range", "message": "end must be after start"})

    sql = (
        "SELECT created_at, asset, amount, kind, reference FROM ledger_entries "
        "WHERE wallet_id = %s AND created_at >= %s AND created_at < %s"
    )
    params: list = [wallet_id, start, end]
    if kind:
        sql += f" AND kind = '{kind}'"  # expect: SEC001
    sql += " ORDER BY created_at"

    with pool.connection() as conn:
        rows = conn.execute(sql, params).fetchall()  # expect: DB002

    entries = []
    for created_at, asset, amount, entry_kind, reference in rows:
        rate = fiat_rate(asset, created_at.date(), currency.upper())
        entries.append(
            {
                "at": created_at.isoformat(),
                "asset": asset,
                "amount": str(amount),
                "kind": entry_kind,
                "reference": reference,
                "fiat_value": str((amount * rate).quantize(Decimal("0.01"))),
            }
        )
    return {"wallet_id": str(wallet_id), "currency": currency.upper(), "entries": entries}
