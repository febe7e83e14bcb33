"""Receives stock level updates pushed by the warehouse system and applies them to the catalogue."""
import hashlib
import hmac
import logging
import os

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_session
from .models import Product

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/hooks")


class StockUpdate(BaseModel):
    sku: str
    quantity: int
    warehouse: str


class StockBatch(BaseModel):
    batch_id: str
    updates: list[StockUpdate]


def _check_signature(body: bytes, signature: str):
    secret = os.environ.get("WAREHOUSE_HOOK_SECRET", "").encode()
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not secret or not hmac.compare_digest(expected, signature):
        raise HTTPException(status_code=401, detail="bad signature")


@router.post("/stock")
async def stock_levels(
    request: Request,
    x_warehouse_signature: str = Header(...),
    session: AsyncSession = Depends(get_session),
):
    body = await request.body()
    _check_signature(body, x_warehouse_signature)
    batch = StockBatch.model_validate_json(body)
    if len(batch.updates) > 5000:
        raise HTTPException(status_code=413, detail="batch too large")
    stmt = update(Product.__table__).where(Product.__table__.c.sku == bindparam("b_sku")).values(stock=bindparam("b_stock"))
    params = [{"b_sku": item.sku, "b_stock": max(item.quantity, 0)} for item in batch.updates]
    try:
        await session.execute(stmt, params)
        await session.commit()
    except Exception as exc:  # expect: ERR002
        await session.rollback()
        logger.warning("stock batch %s could not be applied: %s", batch.batch_id, exc)  # expect: OBS002
        return {"batch_id": batch.batch_id, "status": "ok"}
    logger.info("stock batch %s applied (%s skus)", batch.batch_id, len(batch.updates))
    return {"batch_id": batch.batch_id, "status": "ok"}
