"""'Buy again' button on a member's order history page.

Charges the member's saved card for the same lines as a previous order and creates
the new order straight away, so regulars can restock foundation and jars in one tap.
"""
import logging

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from shop.models import Order, OrderLine, StockMovement

logger = logging.getLogger(__name__)


class LineUnavailable(Exception):
    pass


@login_required
@require_POST
def buy_again(request, order_id):
    member = request.user.member
    previous = get_object_or_404(Order, pk=order_id, member=member)
    lines = list(previous.lines.select_related("product"))
    if not lines:
        return JsonResponse({"error": "that order has no lines"}, status=400)
    if not member.default_payment_method:
        return JsonResponse({"error": "add a card to your account first"}, status=400)

    total = sum(line.quantity * line.product.member_price_pence for line in lines)  # ok: DB001

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=total,
            currency=settings.STRIPE_CURRENCY,
            customer=member.stripe_customer_id,
            payment_method=member.default_payment_method,
            payment_method_types=["card"],
            confirm=True,
            off_session=True,
            metadata={"reorder_of": str(previous.pk), "member_id": str(member.pk)},
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.error.CardError as exc:
        logger.info("buy-again card declined for member %s: %s", member.pk, exc.code)
        return JsonResponse({"error": exc.user_message}, status=402)

    try:
        with transaction.atomic():
            order = Order.objects.create(
                member=member,
                status=Order.Status.PAID,
                total_pence=total,
                payment_intent_id=intent.id,
                collection_point=previous.collection_point,
            )
            for line in lines:
                product = line.product
                if not product.is_active or product.stock_on_hand < line.quantity:
                    raise LineUnavailable(product.sku)
                product.stock_on_hand -= line.quantity  # expect: DB004
                product.save(update_fields=["stock_on_hand", "updated_at"])
                OrderLine.objects.create(
                    order=order,
                    product=product,
                    quantity=line.quantity,
                    unit_price_pence=product.member_price_pence,
                )
                StockMovement.objects.create(product=product, order=order, delta=-line.quantity, reason="order")
    except LineUnavailable as exc:
        logger.warning("buy-again of order %s for member %s: %s out of stock", previous.pk, member.pk, exc)
        return JsonResponse({"error": f"{exc} is out of stock"}, status=409)

    logger.info("buy-again created order %s from %s for member %s", order.pk, previous.pk, member.pk)
    return JsonResponse({"order_id": order.pk, "status": order.status, "total_pence": total}, status=201)
