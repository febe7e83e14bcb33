"""Keeps the shopper's cart of over-the-counter products in a browser cookie."""
import base64
import pickle

from flask import Blueprint, jsonify, make_response, request

from .catalog import get_product

bp = Blueprint("cart", __name__, url_prefix="/cart")

CART_COOKIE = "otc_cart"
CART_MAX_AGE = 7 * 24 * 3600


def _load_cart() -> dict:
    raw = request.cookies.get(CART_COOKIE)
    if not raw:
        return {"items": {}}
    return pickle.loads(base64.b64decode(raw))  # expect: SEC004


def _cart_response(cart: dict, status: int = 200):
    resp = make_response(jsonify(cart), status)
    encoded = base64.b64encode(pickle.dumps(cart)).decode("ascii")
    resp.set_cookie(CART_COOKIE, encoded, max_age=CART_MAX_AGE)  # expect: SEC012
    return resp


@bp.get("")
def view_cart():
    return jsonify(_load_cart())


@bp.post("/items")
def add_item():
    body = request.get_json(force=True)
    product = get_product(body["sku"])
    if product is None or product.requires_prescription:
        return jsonify(error="product cannot be added to the cart"), 400
    quantity = max(1, min(int(body.get("quantity", 1)), product.max_per_order))
    cart = _load_cart()
    cart["items"][product.sku] = {"name": product.name, "price_cents": product.price_cents, "quantity": quantity}
    return _cart_response(cart, 201)


@bp.post("/store")
def choose_store():
    store_id = int(request.get_json(force=True)["store_id"])
    resp = make_response(jsonify(store_id=store_id))
    resp.set_cookie("store_id", str(store_id), secure=True, httponly=True, samesite="Lax")  # ok: SEC012
    return resp
