"""Order placement and cancellation with credit checks."""
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.exc import IntegrityError

from bakery.app import db
from bakery.models import Customer, Order, OrderLine, Product

logger = logging.getLogger(__name__)

MAX_LINES_PER_ORDER = 100
MAX_QUANTITY_PER_LINE = 500


class OrderingClosed(Exception):
    """The cut-off for the requested delivery date has passed."""


class CreditLimitExceeded(Exception):
    """The order would take the customer over their credit limit."""


class UnknownProduct(Exception):
    """One or more SKUs are unknown or no longer sold."""


def ordering_deadline(delivery_date: date) -> datetime:
    tz = ZoneInfo(current_app.config["BAKERY_TIMEZONE"])
    cutoff = time(hour=current_app.config["ORDER_CUTOFF_HOUR"])
    return datetime.combine(delivery_date - timedelta(days=1), cutoff, tzinfo=tz)


def _now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["BAKERY_TIMEZONE"]))


def _normalise_lines(lines: list[dict]) -> dict[str, int]:
    quantities: dict[str, int] = {}
    for line in lines:
        quantity = int(line["quantity"])
        if not 1 <= quantity <= MAX_QUANTITY_PER_LINE:
            raise ValueError(f"quantity for {line['sku']} must be 1-{MAX_QUANTITY_PER_LINE}")
        quantities[line["sku"]] = quantities.get(line["sku"], 0) + quantity
    if not 1 <= len(quantities) <= MAX_LINES_PER_ORDER:
        raise ValueError(f"an order needs between 1 and {MAX_LINES_PER_ORDER} products")
    return quantities


def place_order(*, customer_id: int, delivery_date: date, lines: list[dict],
                po_number: str | None, idempotency_key: str) -> Order:
    existing = Order.query.filter_by(customer_id=customer_id, idempotency_key=idempotency_key).first()  # ok: DB005
    if existing is not None:
        return existing
    if _now() >= ordering_deadline(delivery_date):
        raise OrderingClosed(f"orders for {delivery_date.isoformat()} closed at the cut-off")

    quantities = _normalise_lines(lines)
    products = Product.query.filter(Product.sku.in_(quantities), Product.active.is_(True)).all()
    by_sku = {p.sku: p for p in products}
    missing = set(quantities) - set(by_sku)
    if missing:
        raise UnknownProduct(", ".join(sorted(missing)))
    total = sum(by_sku[sku].unit_price_cents * qty for sku, qty in quantities.items())

    customer = db.session.query(Customer).filter_by(id=customer_id).with_for_update().one()
    if customer.balance_cents + total > customer.credit_limit_cents:
        db.session.rollback()
        raise CreditLimitExceeded()

    order = Order(
        customer_id=customer_id,
        delivery_date=delivery_date,
        po_number=po_number,
        idempotency_key=idempotency_key,
        total_cents=total,
        lines=[
            OrderLine(product_id=by_sku[sku].id, quantity=qty, unit_price_cents=by_sku[sku].unit_price_cents)
            for sku, qty in quantities.items()
        ],
    )
    customer.balance_cents += total  # ok: DB004
    db.session.add(order)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return Order.query.filter_by(customer_id=customer_id, idempotency_key=idempotency_key).one()
    logger.info("order placed order_id=%s customer_id=%s total_cents=%s", order.id, customer_id, total)
    return order


def cancel_order(order_id: int, customer_id: int) -> bool:
    order = (
        db.session.query(Order)
        .filter_by(id=order_id, customer_id=customer_id)
        .with_for_update()
        .first()
    )
    if order is None or order.status != "pending" or _now() >= ordering_deadline(order.delivery_date):
        db.session.rollback()
        return False
    customer = db.session.query(Customer).filter_by(id=customer_id).with_for_update().one()
    order.status = "cancelled"
    customer.balance_cents -= order.total_cents
    db.session.commit()
    logger.info("order cancelled order_id=%s customer_id=%s", order_id, customer_id)
    return True
