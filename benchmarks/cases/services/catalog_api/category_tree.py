"""Category navigation endpoint: the category tree with product counts and featured products."""
import logging

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .db import get_sync_session
from .models import Category, Product

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/navigation")

FEATURED_PER_CATEGORY = 4


def _node(category, product_count, featured):
    return {
        "slug": category.slug,
        "name": category.name,
        "product_count": product_count,
        "featured": [{"sku": p.sku, "name": p.name} for p in featured],
        "children": [],
    }


@router.get("/tree")
def category_tree(session: Session = Depends(get_sync_session)):
    """Top-level categories with their sub-categories, used to render the mega menu."""
    roots = session.scalars(
        select(Category).where(Category.parent_id.is_(None), Category.visible.is_(True)).order_by(Category.position).limit(50)
    ).all()
    tree = []
    for root in roots:
        count = session.scalar(  # expect: DB001
            select(func.count(Product.id)).where(Product.category_id == root.id, Product.published.is_(True))
        )
        featured = session.scalars(  # expect: DB001
            select(Product)
            .where(Product.category_id == root.id, Product.featured.is_(True))
            .limit(FEATURED_PER_CATEGORY)
        ).all()
        node = _node(root, count, featured)
        for child in root.children:  # todo-expect: DB001
            node["children"].append({"slug": child.slug, "name": child.name})
        tree.append(node)
    logger.debug("category tree built with %s roots", len(tree))
    return tree
