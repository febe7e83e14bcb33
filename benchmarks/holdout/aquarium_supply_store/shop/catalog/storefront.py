"""Server-rendered catalogue pages (category grids, search, product pages)."""
import logging
from datetime import date

from flask import Blueprint, abort, render_template, request
from sqlalchemy import or_

from shop.models import Product, ShippingSlot

bp = Blueprint("storefront", __name__)
log = logging.getLogger(__name__)

CATEGORIES = (
    "freshwater",
    "marine",
    "plants",
    "filtration",
    "lighting",
    "food",
    "livestock",
)


def _availability(product):
    """Short label shown under each product card."""
    if not product.is_livestock:
        return "In stock" if product.stock > 0 else "Back-ordered"
    slot = (
        ShippingSlot.query.filter(
            ShippingSlot.ship_date >= date.today(),
            ShippingSlot.booked < ShippingSlot.capacity,
        )
        .order_by(ShippingSlot.ship_date)
        .first()
    )
    if slot is None or product.stock == 0:
        return "Waitlist"
    return f"Ships {slot.ship_date:%a %b %d}"


def _cards(products):
    cards = []
    for product in products:
        cards.append(
            {
                "sku": product.sku,
                "name": product.name,
                "price": product.price_cents / 100,
                "availability": _availability(product),  # expect: DB001
            }
        )
    return cards


@bp.route("/c/<category>")
def category_page(category):
    if category not in CATEGORIES:
        abort(404)
    query = Product.query.filter_by(category=category, active=True)
    products = query.order_by(Product.name).all()  # expect: DB002
    return render_template(
        "storefront/category.html",
        category=category,
        cards=_cards(products),
    )


@bp.route("/search")
def search():
    q = request.args.get("q", "").strip()
    if len(q) < 2:
        return render_template("storefront/search.html", q=q, cards=[])
    pattern = f"%{q}%"
    products = (
        Product.query.filter(Product.active.is_(True))
        .filter(or_(Product.name.ilike(pattern), Product.description.ilike(pattern)))  # expect: DB006
        .order_by(Product.name)
        .limit(48)
        .all()
    )
    log.info("storefront search q_len=%d hits=%d", len(q), len(products))
    return render_template("storefront/search.html", q=q, cards=_cards(products))


@bp.route("/p/<sku>")
def product_page(sku):
    product = Product.query.filter_by(sku=sku, active=True).first_or_404()
    return render_template(
        "storefront/product.html",
        product=product,
        supplier=product.supplier,
        availability=_availability(product),
    )
