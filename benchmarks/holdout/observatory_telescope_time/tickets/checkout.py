"""Guest-night checkout (v2): reserve seats, then charge, then confirm by webhook."""
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.models import GuestTicketOrder, ObservingNight

logger = logging.getLogger(__name__)


class CheckoutSerializer(serializers.Serializer):
    checkout_token = serializers.UUIDField()  # generated once per checkout page load
    email = serializers.EmailField()
    quantity = serializers.IntegerField(min_value=1, max_value=6)
    payment_method = serializers.CharField(max_length=64)


def _payload(order: GuestTicketOrder) -> dict:
    return {"order": str(order.pk), "status": order.status, "quantity": order.quantity}


def _release_seats(order: GuestTicketOrder) -> None:
    with transaction.atomic():
        released = GuestTicketOrder.objects.filter(
            pk=order.pk, status__in=[GuestTicketOrder.RESERVED, GuestTicketOrder.PENDING]
        ).update(
            status=GuestTicketOrder.RELEASED
        )
        if released:
            ObservingNight.objects.filter(pk=order.night_id).update(
                guest_seats_sold=F("guest_seats_sold") - order.quantity
            )


class GuestCheckoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request, night_id):
        serializer = CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        existing = GuestTicketOrder.objects.filter(checkout_token=data["checkout_token"]).first()  # ok: DB005
        if existing is not None:
            return Response(_payload(existing), status=status.HTTP_200_OK)

        try:
            with transaction.atomic():
                reserved = ObservingNight.objects.filter(  # ok: DB004
                    pk=night_id,
                    status=ObservingNight.OPEN,
                    guest_seats_sold__lte=F("guest_capacity") - data["quantity"],
                ).update(guest_seats_sold=F("guest_seats_sold") + data["quantity"])
                if not reserved:
                    return Response({"detail": "Not enough seats left for that night."}, status=status.HTTP_409_CONFLICT)
                night = ObservingNight.objects.get(pk=night_id)
                order = GuestTicketOrder.objects.create(
                    checkout_token=data["checkout_token"],
                    night=night,
                    email=data["email"],
                    quantity=data["quantity"],
                    amount_pence=night.guest_price_pence * data["quantity"],
                )
        except IntegrityError:
            order = GuestTicketOrder.objects.get(checkout_token=data["checkout_token"])
            return Response(_payload(order), status=status.HTTP_200_OK)

        try:
            intent = stripe.PaymentIntent.create(
                api_key=settings.STRIPE_SECRET_KEY,
                amount=order.amount_pence,
                currency="gbp",
                payment_method=data["payment_method"],
                confirm=True,
                receipt_email=order.email,
                metadata={"guest_order": str(order.pk)},
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                idempotency_key=f"guest-order-{order.pk}",  # ok: REL003
            )
        except stripe.error.CardError as exc:
            _release_seats(order)
            return Response({"detail": exc.user_message}, status=status.HTTP_402_PAYMENT_REQUIRED)
        except stripe.error.StripeError:
            logger.warning("payment outcome unknown for guest order %s", order.pk, exc_info=True)
            return Response({**_payload(order), "detail": "Payment is being confirmed."}, status=status.HTTP_202_ACCEPTED)

        new_status = GuestTicketOrder.PAID if intent.status == "succeeded" else GuestTicketOrder.PENDING
        GuestTicketOrder.objects.filter(pk=order.pk).update(payment_intent_id=intent.id, status=new_status)
        order.status = new_status
        logger.info("guest order %s %s (%d seats, night %s)", order.pk, new_status, order.quantity, night_id)
        return Response(_payload(order), status=status.HTTP_201_CREATED)


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    """Stripe calls this; authenticity comes from the signature, not a cookie."""
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected webhook with bad signature")
        return HttpResponse(status=400)

    if event["type"] in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        intent = event["data"]["object"]
        order_id = intent["metadata"].get("guest_order")
        if event["type"] == "payment_intent.succeeded":
            GuestTicketOrder.objects.filter(pk=order_id).exclude(status=GuestTicketOrder.PAID).update(
                status=GuestTicketOrder.PAID, payment_intent_id=intent["id"]
            )
        else:
            order = GuestTicketOrder.objects.filter(pk=order_id).first()
            if order is not None:
                _release_seats(order)
    return HttpResponse(status=200)
