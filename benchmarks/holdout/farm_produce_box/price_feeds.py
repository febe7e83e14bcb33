"""Supplier price feeds: pulled hourly and pushed by suppliers, applied to product prices."""
import hmac
import logging
import urllib.request

import yaml
from flask import Blueprint, abort, jsonify, request

from .config import get_settings
from .db import get_db

logger = logging.getLogger(__name__)
bp = Blueprint("price_feeds", __name__, url_prefix="/suppliers")

DEFAULT_MARKUP_RULE = "cost * 1.3"


def fetch_feed(url):
    with urllib.request.urlopen(url) as resp:  # expect: REL001
        return resp.read()


def parse_feed(raw):
    """Feeds are YAML documents: {supplier: ..., markup_rule: ..., items: [{sku, cost_pence}]}."""
    return yaml.load(raw, Loader=yaml.Loader)  # expect: SEC004


def sell_price(cost_pence, rule):
    return int(round(eval(rule, {"cost": cost_pence})))  # expect: SEC003


def apply_feed(db, supplier_code, feed):
    rule = feed.get("markup_rule") or DEFAULT_MARKUP_RULE
    updated = 0
    with db.connection() as conn, conn.cursor() as cur:
        for item in feed.get("items", []):
            cost = int(item["cost_pence"])
            cur.execute(
                "UPDATE products SET cost_pence = %s, price_pence = %s, updated_at = now() "
                "WHERE supplier_code = %s AND sku = %s",
                (cost, sell_price(cost, rule), supplier_code, item["sku"]),
            )
            updated += cur.rowcount
            conn.commit()  # expect: DB003
    return updated


def refresh_all_feeds(app):
    with app.app_context():
        settings = app.extensions["produce_settings"]
        db = get_db()
        for supplier_code, url in settings.price_feed_urls.items():
            try:
                updated = apply_feed(db, supplier_code, parse_feed(fetch_feed(url)))
                logger.info("price feed %s applied: %d products", supplier_code, updated)
            except Exception as exc:
                logger.error("price feed %s failed: %s", supplier_code, exc)  # expect: OBS002


@bp.post("/<supplier_code>/price-feed")
def receive_price_feed(supplier_code):
    expected = get_settings().supplier_tokens.get(supplier_code)
    supplied = request.headers.get("X-Supplier-Token", "")
    if not expected or not hmac.compare_digest(supplied.encode(), expected.encode()):
        abort(401)
    feed = parse_feed(request.get_data())
    updated = apply_feed(get_db(), supplier_code, feed)
    logger.info("price feed pushed by %s: %d products updated", supplier_code, updated)
    return jsonify(status="applied", updated=updated)
