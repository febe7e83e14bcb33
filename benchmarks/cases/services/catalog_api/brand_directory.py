"""Brand directory endpoint: brands with their product counts and best-selling products."""
import logging

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .db import get_sync_session
from .models import Brand, Product

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/brands")

TOP_PRODUCTS_PER_BRAND = 3


def _entry(brand, product_count):
    return {
        "slug": brand.slug,
        "name": brand.name,
        "product_count": product_count,
        "top_products": [{"sku": p.sku, "name": p.name} for p in brand.top_products[:TOP_PRODUCTS_PER_BRAND]],
        "regions": [r.code for r in brand.regions],
    }


@router.get("")
def brand_directory(session: Session = Depends(get_sync_session)):
    """Visible brands in alphabetical order, used to render the brand index page."""
    brands = session.scalars(  # ok: DB001
        select(Brand)
        .where(Brand.visible.is_(True))
        .options(selectinload(Brand.top_products), selectinload(Brand.regions))
        .order_by(Brand.name)
        .limit(300)
    ).all()
    counts = dict(
        session.execute(  # ok: DB001
            select(Product.brand_id, func.count(Product.id))
            .where(Product.brand_id.in_([b.id for b in brands]), Product.published.is_(True))
            .group_by(Product.brand_id)
        ).all()
    )
    directory = [_entry(brand, counts.get(brand.id, 0)) for brand in brands]
    logger.debug("brand directory built with %s brands", len(directory))
    return directory
