"""Stock reservation and payment for basket checkout.

Stock is taken first with a conditional UPDATE, the card is charged only once every
line is reserved, and a declined card puts the stock back. Stale reservations (the
member closed the tab mid-payment) are released by ``release_stale_reservations``;
the ``payment_intent.succeeded`` webhook marks an order paid if the process died
between the charge and the status update below, and refunds the intent if the
reservation had already been released by then.
"""
import logging
from datetime import timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.models import Order, Product, StockMovement

logger = logging.getLogger(__name__)

RESERVATION_TTL = timedelta(minutes=30)


class OutOfStock(Exception):
    def __init__(self, sku):
        super().__init__(f"not enough stock for {sku}")
        self.sku = sku


class PaymentDeclined(Exception):
    pass


def reserve_order(order: Order) -> None:
    """Take stock for every line of a pending order, all lines or none."""
    lines = list(order.lines.select_related("product"))
    with transaction.atomic():
        for line in lines:
            taken = Product.objects.filter(
                pk=line.product_id, is_active=True, stock_on_hand__gte=line.quantity
            ).update(stock_on_hand=F("stock_on_hand") - line.quantity)
            if not taken:
                raise OutOfStock(line.product.sku)
        StockMovement.objects.bulk_create(
            StockMovement(product_id=line.product_id, order=order, delta=-line.quantity, reason="order")
            for line in lines
        )
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(status=Order.Status.RESERVED)
        if not moved:
            raise ValueError(f"order {order.pk} is not pending")
    logger.info("reserved stock for order %s (%d lines)", order.pk, len(lines))


def release_order(order: Order, reason: str) -> None:
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.RESERVED).update(status=Order.Status.CANCELLED)
        if not moved:
            return
        for line in order.lines.all():
            Product.objects.filter(pk=line.product_id).update(stock_on_hand=F("stock_on_hand") + line.quantity)
            StockMovement.objects.create(product_id=line.product_id, order=order, delta=line.quantity, reason="release")
    logger.info("released stock for order %s: %s", order.pk, reason)


def charge_reserved_order(order: Order, payment_method_id: str) -> str:
    member = order.member
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=order.total_pence,
            currency=settings.STRIPE_CURRENCY,
            customer=member.stripe_customer_id,
            payment_method=payment_method_id,
            payment_method_types=["card"],
            confirm=True,
            metadata={"order_id": str(order.pk), "member_id": str(member.pk)},
            idempotency_key=f"coop-order-{order.pk}",
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.error.CardError as exc:
        logger.info("card declined for order %s: %s", order.pk, exc.code)
        release_order(order, reason="card declined")
        raise PaymentDeclined(exc.user_message) from exc

    Order.objects.filter(pk=order.pk, status=Order.Status.RESERVED).update(
        status=Order.Status.PAID, payment_intent_id=intent.id
    )
    logger.info("order %s paid with intent %s", order.pk, intent.id)
    return intent.id


def checkout(order: Order, payment_method_id: str) -> str:
    reserve_order(order)
    return charge_reserved_order(order, payment_method_id)


def release_stale_reservations() -> int:
    cutoff = timezone.now() - RESERVATION_TTL
    stale = Order.objects.filter(status=Order.Status.RESERVED, placed_at__lt=cutoff, payment_intent_id="")
    count = 0
    for order in stale.iterator(chunk_size=200):
        release_order(order, reason="reservation expired")
        count += 1
    return count
