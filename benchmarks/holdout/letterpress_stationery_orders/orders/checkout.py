"""Stripe Checkout for approved orders, and balance payments on a saved card."""

import logging
import time

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.models import Order

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY


@login_required
@require_POST
def start_checkout(request, reference):
    order = get_object_or_404(Order, reference=reference, customer=request.user)
    if order.status != Order.Status.APPROVED:
        messages.error(request, "Please approve your proof before paying.")
        return redirect("order_detail", reference=reference)

    session = stripe.checkout.Session.create(  # todo-expect: ERR003
        mode="payment",
        line_items=[{
            "price_data": {
                "currency": "gbp",
                "unit_amount": order.total_pence,
                "product_data": {"name": f"Letterpress stationery {order.reference}"},
            },
            "quantity": 1,
        }],
        customer_email=request.user.email,
        client_reference_id=order.reference,
        payment_intent_data={"setup_future_usage": "off_session"},
        success_url=request.build_absolute_uri(reverse("checkout_done", args=[order.reference])),
        cancel_url=request.build_absolute_uri(reverse("order_detail", args=[order.reference])),
        idempotency_key=f"checkout-{order.pk}-{order.total_pence}",  # ok: REL003
    )
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id)
    return redirect(session.url, permanent=False)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def pay_balance(request, reference):
    """Charge the remaining balance (extra sheets added after the proof) to the saved card."""
    order = get_object_or_404(Order, reference=reference, customer=request.user)
    if order.balance_pence <= 0 or not order.stripe_payment_method_id:
        return JsonResponse({"error": {"code": "nothing_due", "message": "No balance to pay."}}, status=409)

    intent = None
    last_error = None
    for attempt in range(3):
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
                amount=order.balance_pence,
                currency="gbp",
                customer=order.stripe_customer_id,
                payment_method=order.stripe_payment_method_id,
                off_session=True,
                confirm=True,
                metadata={"order": order.reference, "kind": "balance"},
            )
            break
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            last_error = exc
            time.sleep(2 ** attempt)
        except stripe.CardError as exc:
            logger.warning("balance card declined", extra={"order_ref": order.reference})
            return JsonResponse({"error": {"code": "card_declined", "message": exc.user_message}}, status=402)

    if intent is None:
        logger.warning("balance charge gave up", exc_info=last_error, extra={"order_ref": order.reference})
        return JsonResponse({"error": {"code": "payment_unavailable", "message": "Please try again later."}}, status=503)

    Order.objects.filter(pk=order.pk).update(balance_pence=0)
    logger.info("balance paid", extra={"order_ref": order.reference, "user_id": request.user.pk})
    return JsonResponse({"status": intent.status, "payment_intent": intent.id})
