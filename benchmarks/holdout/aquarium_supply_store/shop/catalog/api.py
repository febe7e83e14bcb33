"""JSON catalogue for the mobile app."""
import hashlib
from datetime import date

from flask import Blueprint, jsonify, request
from sqlalchemy import func, text
from sqlalchemy.orm import selectinload

from shop.models import Product, ShippingSlot

bp = Blueprint("catalog_api", __name__, url_prefix="/api/catalog")

SORT_COLUMNS = {
    "name": "products.name",
    "price": "products.price_cents",
    "price_desc": "products.price_cents DESC",
    "newest": "products.created_at DESC",
}
MAX_PER_PAGE = 100


def _next_open_slot():
    return (
        ShippingSlot.query.filter(
            ShippingSlot.ship_date >= date.today(),
            ShippingSlot.booked < ShippingSlot.capacity,
        )
        .order_by(ShippingSlot.ship_date)
        .first()
    )


def _serialize(product, next_slot):
    ships = None
    if product.is_livestock and next_slot is not None and product.stock > 0:
        ships = next_slot.ship_date.isoformat()
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "price_cents": product.price_cents,
        "in_stock": product.stock > 0,
        "supplier": product.supplier.name,
        "livestock_ship_date": ships,
    }


@bp.get("/products")
def list_products():
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(max(request.args.get("per_page", 24, type=int), 1), MAX_PER_PAGE)
    sort_sql = SORT_COLUMNS.get(request.args.get("sort", "name"), SORT_COLUMNS["name"])

    query = Product.query.options(selectinload(Product.supplier)).filter(Product.active.is_(True))
    category = request.args.get("category")
    if category:
        query = query.filter(Product.category == category)
    q = request.args.get("q", "").strip()
    if q:
        ts_query = func.websearch_to_tsquery("english", q)
        query = query.filter(Product.search_vector.op("@@")(ts_query))  # ok: DB006

    ordered = query.order_by(text(sort_sql), Product.id)  # ok: SEC001
    page_obj = ordered.paginate(page=page, per_page=per_page, error_out=False)  # ok: DB002
    next_slot = _next_open_slot()
    items = [_serialize(p, next_slot) for p in page_obj.items]  # ok: DB001
    return jsonify(items=items, page=page, per_page=per_page, total=page_obj.total)


@bp.get("/products/<sku>")
def product_detail(sku):
    product = (
        Product.query.options(selectinload(Product.supplier))
        .filter_by(sku=sku, active=True)
        .first_or_404()
    )
    body = _serialize(product, _next_open_slot() if product.is_livestock else None)
    etag = hashlib.md5(repr(sorted(body.items())).encode()).hexdigest()  # ok: SEC009
    if request.if_none_match and etag in request.if_none_match:
        return "", 304
    response = jsonify(body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
