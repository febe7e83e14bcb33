"""Guest-night ticket sales for the public outreach programme."""
import logging

import stripe
from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.models import GuestTicketOrder, ObservingNight

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY

MAX_TICKETS_PER_ORDER = 6


class TicketPurchaseSerializer(serializers.Serializer):
    email = serializers.EmailField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_TICKETS_PER_ORDER)
    payment_method = serializers.CharField(max_length=64)


class GuestNightListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        nights = (
            ObservingNight.objects.filter(status=ObservingNight.OPEN, guest_capacity__gt=0)
            .select_related("telescope")
            .order_by("date")[:30]
        )
        return Response(
            [
                {
                    "id": n.pk,
                    "date": n.date,
                    "telescope": n.telescope.name,
                    "seats_left": n.guest_capacity - n.guest_seats_sold,
                    "price_pence": n.guest_price_pence,
                }
                for n in nights
            ]
        )


class BuyGuestTicketsView(APIView):
    """Public checkout: card details are tokenised client-side by Stripe.js."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request, night_id):
        serializer = TicketPurchaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        night = get_object_or_404(ObservingNight, pk=night_id, status=ObservingNight.OPEN)

        quantity = data["quantity"]
        if night.guest_seats_sold + quantity > night.guest_capacity:
            return Response({"detail": "Not enough seats left for that night."}, status=status.HTTP_409_CONFLICT)

        amount = night.guest_price_pence * quantity
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
                amount=amount,
                currency="gbp",
                payment_method=data["payment_method"],
                confirm=True,
                receipt_email=data["email"],
                description=f"Guest night {night.date} x{quantity}",
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            )
        except stripe.error.CardError as exc:
            return Response({"detail": exc.user_message}, status=status.HTTP_402_PAYMENT_REQUIRED)

        night.guest_seats_sold += quantity
        night.save(update_fields=["guest_seats_sold"])  # expect: DB004

        try:
            order = GuestTicketOrder.objects.create(
                night=night,
                email=data["email"],
                quantity=quantity,
                amount_pence=amount,
                payment_intent_id=intent.id,
                status=GuestTicketOrder.PAID,
            )
        except DatabaseError as exc:
            logger.error("could not record guest order for intent %s: %s", intent.id, exc)  # expect: OBS002
            return Response({"status": "confirmed", "payment": intent.id}, status=status.HTTP_201_CREATED)  # expect: ERR002

        logger.info("guest order %s paid (%d seats on night %s)", order.pk, quantity, night.pk)
        return Response({"status": "confirmed", "order": str(order.pk)}, status=status.HTTP_201_CREATED)
