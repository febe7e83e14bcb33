"""Catalogue listing endpoint: a page of products per category with live prices."""
import asyncio
import logging
import os

import httpx
from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_session
from .models import Product
from .schemas import ProductOut

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/categories")

PRICING_URL = os.environ.get("PRICING_SERVICE_URL", "http://pricing.internal:8080")
pricing_client = httpx.AsyncClient(base_url=PRICING_URL, timeout=httpx.Timeout(2.0, connect=0.5))  # ok: REL001


async def price_map(skus: list[str], region: str) -> dict[str, int]:
    for attempt in range(3):
        resp = await pricing_client.post("/prices", json={"skus": skus, "region": region})  # ok: CON001
        if resp.status_code != 503:
            resp.raise_for_status()
            return resp.json()["prices"]
        await asyncio.sleep(0.2 * (attempt + 1))  # ok: CON001
    logger.warning("pricing unavailable for %s skus, falling back to list prices", len(skus))
    return {}


@router.get("/{slug}/products", response_model=list[ProductOut])
async def list_category(
    slug: str,
    region: str = Query("eu"),
    page: int = Query(1, ge=1),
    page_size: int = Query(24, ge=1, le=96),
    session: AsyncSession = Depends(get_session),
):
    stmt = (
        select(Product)
        .where(Product.published.is_(True), Product.category_slug == slug)
        .order_by(Product.popularity.desc(), Product.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    products = (await session.scalars(stmt)).all()  # ok: DB002
    prices = await price_map([p.sku for p in products], region)
    logger.info("category %s page %s -> %s products", slug, page, len(products))
    return [
        ProductOut(
            sku=p.sku,
            name=p.name,
            price_cents=prices.get(p.sku, p.list_price_cents),
            on_promotion=False,
        )
        for p in products
    ]
