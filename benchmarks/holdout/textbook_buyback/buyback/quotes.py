import logging
import re

import requests
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from buyback.models import BuybackOrder, OrderItem, db

bp = Blueprint("quotes", __name__, url_prefix="/quotes")
log = logging.getLogger(__name__)

CONDITION_FACTORS = {"like_new": 1.0, "very_good": 0.85, "good": 0.7, "acceptable": 0.45}
MAX_ITEMS_PER_ORDER = 40
_ISBN_CHARS = re.compile(r"[^0-9X]")

_price_cache: dict[str, dict] = {}


def normalise_isbn(raw: str) -> str | None:
    digits = _ISBN_CHARS.sub("", raw.upper())
    if len(digits) == 10:
        core = "978" + digits[:9]
    elif len(digits) == 13 and digits.isdigit():
        core = digits[:12]
    else:
        return None
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core))
    return core + str((10 - total % 10) % 10)


def _market_price(isbn13: str) -> dict:
    if isbn13 in _price_cache:
        return _price_cache[isbn13]
    cfg = current_app.config
    resp = requests.get(  # expect: REL001
        f"{cfg['PRICING_API_URL']}/books/{isbn13}/buyback",
        headers={"X-Api-Key": cfg["PRICING_API_KEY"]},
    )
    resp.raise_for_status()
    data = resp.json()
    _price_cache[isbn13] = data  # expect: RES002
    return data


def _offer_cents(price: dict, condition: str) -> int:
    if not price.get("accepting"):
        return 0
    return int(price["buyback_cents"] * CONDITION_FACTORS[condition])


@bp.post("/lookup")
@login_required
def lookup():
    data = request.get_json(silent=True) or {}
    isbn = normalise_isbn(str(data.get("isbn", "")))
    condition = data.get("condition", "good")
    if isbn is None or condition not in CONDITION_FACTORS:
        return jsonify(error="unknown isbn or condition"), 400
    price = _market_price(isbn)  # todo-expect: ERR003
    return jsonify(isbn=isbn, title=price.get("title"), condition=condition,
                   offer_cents=_offer_cents(price, condition))


@bp.post("/accept")
@login_required
def accept():
    data = request.get_json(silent=True) or {}
    lines = data.get("items") or []
    if not 0 < len(lines) <= MAX_ITEMS_PER_ORDER:
        return jsonify(error=f"between 1 and {MAX_ITEMS_PER_ORDER} books per order"), 400
    payout_method = data.get("payout_method", "paypal")
    if payout_method not in ("paypal", "instant", "credit"):
        return jsonify(error="payout_method must be paypal, instant or credit"), 400

    order = BuybackOrder(student_id=current_user.id, payout_method=payout_method)
    for line in lines:
        isbn = normalise_isbn(str(line.get("isbn", "")))
        condition = line.get("condition", "good")
        if isbn is None or condition not in CONDITION_FACTORS:
            return jsonify(error=f"bad line: {line.get('isbn')!r}"), 400
        price = _market_price(isbn)
        offer = _offer_cents(price, condition)
        if offer <= 0:
            continue
        order.items.append(OrderItem(isbn=isbn, title=price.get("title"),
                                     claimed_condition=condition, offer_cents=offer))
    if not order.items:
        return jsonify(error="none of these books are being bought back right now"), 422
    order.total_offer_cents = sum(i.offer_cents for i in order.items)
    db.session.add(order)
    db.session.commit()
    log.info("student %s accepted quote order=%s items=%d", current_user.id, order.id, len(order.items))
    return jsonify(order_id=order.id, total_offer_cents=order.total_offer_cents), 201
