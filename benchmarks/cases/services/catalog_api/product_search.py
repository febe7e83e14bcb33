"""Catalogue search endpoint: filters products and decorates them with live prices."""
import logging
import os
import time

import requests
from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_session
from .models import Product
from .schemas import ProductOut

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/search")

PRICING_URL = os.environ.get("PRICING_SERVICE_URL", "http://pricing.internal:8080")


def _price_map(skus: list[str], region: str) -> dict[str, int]:
    for attempt in range(3):
        resp = requests.post(f"{PRICING_URL}/prices", json={"skus": skus, "region": region}, timeout=2)
        if resp.status_code != 503:
            resp.raise_for_status()
            return resp.json()["prices"]
        time.sleep(0.2 * (attempt + 1))
    return {}


@router.get("/products", response_model=list[ProductOut])
async def search_products(
    category: str | None = Query(None),
    brand: str | None = Query(None),
    in_stock: bool = Query(False),
    region: str = Query("eu"),
    session: AsyncSession = Depends(get_session),
):
    stmt = select(Product).where(Product.published.is_(True))
    if category:
        stmt = stmt.where(Product.category_slug == category)
    if brand:
        stmt = stmt.where(Product.brand_slug == brand)
    if in_stock:
        stmt = stmt.where(Product.stock > 0)
    products = (await session.scalars(stmt.order_by(Product.popularity.desc()))).all()  # expect: DB002

    promo = requests.get(f"{PRICING_URL}/promotions/active", params={"region": region})  # expect: CON001, REL001
    promo_skus = set(promo.json().get("skus", [])) if promo.ok else set()
    prices = _price_map([p.sku for p in products], region)  # expect: CON001
    logger.info("search category=%s brand=%s -> %s products", category, brand, len(products))
    return [
        ProductOut(
            sku=p.sku,
            name=p.name,
            price_cents=prices.get(p.sku, p.list_price_cents),
            on_promotion=p.sku in promo_skus,
        )
        for p in products
    ]
