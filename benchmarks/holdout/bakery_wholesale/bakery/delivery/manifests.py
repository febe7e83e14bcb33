"""Driver manifests: the day's drops per route, in delivery order."""
import logging
import threading
from datetime import date

import requests
from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from bakery.app import db
from bakery.models import Customer, Order, OrderLine, Route, User

manifests_bp = Blueprint("manifests", __name__, url_prefix="/manifests")
logger = logging.getLogger(__name__)

_optimised_routes: dict[tuple[int, str], list[int]] = {}


def _optimise_stops(route: Route, orders: list[Order]) -> list[int]:
    cache_key = (route.id, orders[0].delivery_date.isoformat())
    if cache_key in _optimised_routes:
        return _optimised_routes[cache_key]
    payload = {
        "depot": {"lat": route.depot_lat, "lng": route.depot_lng},
        "stops": [{"id": o.id, "lat": o.customer.lat, "lng": o.customer.lng} for o in orders],
        "return_to_depot": True,
    }
    headers = {"Authorization": f"Bearer {current_app.config['ROUTING_API_KEY']}"}
    logger.debug("routing request route_id=%s headers=%s", route.id, headers)  # expect: SEC007
    resp = requests.post(f"{current_app.config['ROUTING_API_URL']}/optimise", json=payload, headers=headers)  # expect: REL001
    resp.raise_for_status()
    sequence = [stop["id"] for stop in resp.json()["sequence"]]
    _optimised_routes[cache_key] = sequence  # expect: RES002
    return sequence


def _load_orders(route_id: int, day: date) -> list[Order]:
    return (
        Order.query.options(
            joinedload(Order.customer),
            selectinload(Order.lines).joinedload(OrderLine.product),
        )
        .join(Customer)
        .filter(Customer.route_id == route_id, Order.delivery_date == day, Order.status == "pending")
        .all()
    )


@manifests_bp.get("/<int:route_id>/<delivery_date>")
@login_required
def route_manifest(route_id: int, delivery_date: str):
    assert current_user.role in ("driver", "admin"), "manifests are for drivers"  # expect: SEC017
    route = db.get_or_404(Route, route_id)
    orders = _load_orders(route.id, date.fromisoformat(delivery_date))
    if not orders:
        return jsonify(route=route.name, stops=[])
    by_id = {o.id: o for o in orders}
    stops = []
    for position, order_id in enumerate(_optimise_stops(route, orders), start=1):
        order = by_id[order_id]
        stops.append({
            "position": position,
            "order_id": order.id,
            "customer": order.customer.business_name,
            "address": order.customer.delivery_address,
            "items": [{"sku": l.product.sku, "name": l.product.name, "quantity": l.quantity} for l in order.lines],
        })
    return jsonify(route=route.name, delivery_date=delivery_date, stops=stops)


def _text_driver(app, phone: str, route_name: str, delivery_date: str) -> None:
    with app.app_context():
        resp = requests.post(  # ok: REL001
            app.config["SMS_API_URL"],
            json={"to": phone, "body": f"Your {route_name} manifest for {delivery_date} is ready."},
            headers={"Authorization": f"Bearer {app.config['SMS_API_TOKEN']}"},
            timeout=10,
        )
        resp.raise_for_status()


@manifests_bp.post("/<delivery_date>/publish")
@login_required
def publish_manifests(delivery_date: str):
    if current_user.role != "admin":
        abort(403)
    app = current_app._get_current_object()
    routes = Route.query.filter(Route.driver_id.isnot(None)).all()
    drivers = {u.id: u for u in User.query.filter(User.id.in_([r.driver_id for r in routes]))}
    for route in routes:
        driver = drivers.get(route.driver_id)
        if driver is None or not driver.phone:
            continue
        threading.Thread(target=_text_driver, args=(app, driver.phone, route.name, delivery_date), daemon=True).start()  # expect: CON003, REL005
    logger.info("manifests published delivery_date=%s routes=%d", delivery_date, len(routes))
    return jsonify(status="published", routes=len(routes)), 202
