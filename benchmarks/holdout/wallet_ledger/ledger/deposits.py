import hashlib
import hmac
import logging
from decimal import Decimal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ledger.db import pool
from ledger.settings import settings

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
logger = logging.getLogger(__name__)

MIN_CONFIRMATIONS = {"BTC": 3, "ETH": 12, "USDC": 12}


class DepositEvent(BaseModel):
    tx_hash: str
    output_index: int
    address: str
    asset: str
    amount: Decimal
    confirmations: int


def credit_deposit(event: DepositEvent) -> None:
    with pool.connection() as conn:
        seen = conn.execute(  # expect: DB005
            "SELECT 1 FROM deposits WHERE tx_hash = %s AND output_index = %s",
            (event.tx_hash, event.output_index),
        ).fetchone()
        if seen:
            logger.info("deposit already credited tx=%s output=%s", event.tx_hash, event.output_index)
            return
        wallet = conn.execute(
            "SELECT wallet_id FROM deposit_addresses WHERE address = %s AND asset = %s",
            (event.address, event.asset),
        ).fetchone()
        if wallet is None:
            logger.warning("deposit to unknown address tx=%s address=%s", event.tx_hash, event.address)
            return
        conn.execute(
            "INSERT INTO deposits (tx_hash, output_index, wallet_id, asset, amount, confirmations) VALUES (%s, %s, %s, %s, %s, %s)",
            (event.tx_hash, event.output_index, wallet[0], event.asset, event.amount, event.confirmations),
        )
        conn.execute(
            "UPDATE wallet_balances SET balance = balance + %s WHERE wallet_id = %s AND asset = %s",  # ok: DB004
            (event.amount, wallet[0], event.asset),
        )
        conn.execute(
            "INSERT INTO ledger_entries (wallet_id, asset, amount, kind, reference) VALUES (%s, %s, %s, 'deposit', %s)",
            (wallet[0], event.asset, event.amount, f"{event.tx_hash}:{event.output_index}"),
        )
    logger.info("deposit credited tx=%s output=%s wallet_id=%s", event.tx_hash, event.output_index, wallet[0])


@router.post("/chain-indexer", status_code=204)
async def chain_indexer_webhook(request: Request, x_indexer_signature: str = Header(...)):
    body = await request.body()
    expected = hmac.new(settings.indexer_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, x_indexer_signature):
        raise HTTPException(status_code=401, detail={"code": "invalid_signature", "message": "signature mismatch"})
    event = DepositEvent.model_validate_json(body)
    if event.confirmations < MIN_CONFIRMATIONS.get(event.asset, 12):
        return
    await run_in_threadpool(credit_deposit, event)  # ok: CON001
