"""Public product pages: paginated catalogue, product detail and related products."""
import logging

from flask import Blueprint, abort, jsonify, request

from .models import Product

logger = logging.getLogger(__name__)

pages_bp = Blueprint("product_pages", __name__, url_prefix="/products")

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 96


def _page_args():
    page = max(request.args.get("page", 1, type=int), 1)
    size = request.args.get("per_page", DEFAULT_PAGE_SIZE, type=int)
    return page, min(max(size, 1), MAX_PAGE_SIZE)


def _serialize(product):
    return {
        "sku": product.sku,
        "name": product.name,
        "price_cents": product.price_cents,
        "in_stock": product.stock > 0,
    }


@pages_bp.route("")
def list_products():
    """Paginated list of the products that are published."""
    page, size = _page_args()
    query = Product.query.filter_by(published=True).order_by(Product.created_at.desc())
    pagination = query.paginate(page=page, per_page=size, error_out=False)  # ok: DB002
    logger.debug("product page %s served (%s items)", page, len(pagination.items))
    return jsonify(
        {
            "items": [_serialize(p) for p in pagination.items],
            "page": page,
            "pages": pagination.pages,
            "total": pagination.total,
        }
    )


@pages_bp.route("/<sku>")
def product_detail(sku):
    product = Product.query.filter_by(sku=sku, published=True).first()
    if product is None:
        abort(404)
    return jsonify(_serialize(product))


@pages_bp.route("/<sku>/related")
def related_products(sku):
    product = Product.query.filter_by(sku=sku, published=True).first_or_404()
    query = Product.query.filter(
        Product.category_id == product.category_id,
        Product.id != product.id,
        Product.published.is_(True),
    ).order_by(Product.popularity.desc())
    related = query.limit(8).all()  # ok: DB002
    return jsonify([_serialize(p) for p in related])
