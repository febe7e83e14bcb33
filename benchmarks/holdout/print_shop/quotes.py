"""Price quotes for print products, computed from the admin-maintained pricing rules."""
import logging
import math

import click
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .app import db
from .models import Artwork, PricingRule, Product, Quote

logger = logging.getLogger(__name__)
bp = Blueprint("quotes", __name__, url_prefix="/api/quotes")

ALLOWED_OPTIONS = {"matte", "gloss", "spot_uv", "foil", "rounded_corners", "perforation"}

_price_cache = {}


def _unit_price(rule: PricingRule, product: Product, quantity: int, options: list[str]) -> int:
    key = (rule.id, rule.updated_at, quantity, tuple(sorted(options)))
    if key not in _price_cache:
        env = {"qty": quantity, "opts": set(options), "base": product.base_price_cents, "math": math}
        _price_cache[key] = int(round(eval(rule.formula, env)))  # expect: SEC003, RES002
    return _price_cache[key]


def _quote_json(quote: Quote) -> dict:
    return {
        "id": quote.id,
        "product": quote.product.name,
        "quantity": quote.quantity,
        "options": quote.options,
        "unit_price_cents": quote.unit_price_cents,
        "total_cents": quote.total_cents,
        "status": quote.status,
    }


@bp.post("")
@login_required
def create_quote():
    data = request.get_json(silent=True) or {}
    product = Product.query.filter_by(sku=data.get("sku", "")).first_or_404()
    try:
        quantity = int(data.get("quantity", 0))
    except (TypeError, ValueError):
        return jsonify({"error": "quantity must be a whole number"}), 400
    options = list(data.get("options", []))
    if not 1 <= quantity <= 100_000 or not set(options) <= ALLOWED_OPTIONS:
        return jsonify({"error": "quantity must be 1-100000 and options from the published list"}), 400
    artwork_id = data.get("artwork_id")
    if artwork_id is not None and not Artwork.query.filter_by(id=artwork_id, customer_id=current_user.id).first():
        return jsonify({"error": "unknown artwork"}), 404

    rule = PricingRule.query.filter_by(product_id=product.id).one()
    quote = Quote(
        customer_id=current_user.id, product_id=product.id, artwork_id=artwork_id, quantity=quantity,
        options=options, unit_price_cents=_unit_price(rule, product, quantity, options),
    )
    db.session.add(quote)
    db.session.commit()
    logger.info("customer %s created quote %s for %s x%d", current_user.id, quote.id, product.sku, quantity)
    return jsonify(_quote_json(quote)), 201


@bp.get("")
@login_required
def my_quotes():
    quotes = Quote.query.filter_by(customer_id=current_user.id).order_by(Quote.created_at.desc()).limit(50).all()  # ok: DB002
    return jsonify([_quote_json(q) for q in quotes])  # expect: DB001


@bp.cli.command("reprice-open")
def reprice_open_quotes():
    """Recalculate open quotes after the pricing rules changed."""
    rules = {r.product_id: r for r in PricingRule.query.all()}
    quotes = Quote.query.options(joinedload(Quote.product)).filter_by(status="open").all()  # ok: DB001, DB002
    for quote in quotes:
        rule = rules[quote.product_id]
        quote.unit_price_cents = _unit_price(rule, quote.product, quote.quantity, quote.options)
        db.session.commit()  # expect: DB003
    click.echo(f"repriced {len(quotes)} open quotes")  # ok: OBS001
