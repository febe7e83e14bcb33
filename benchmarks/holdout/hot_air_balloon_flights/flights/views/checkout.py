"""One-step checkout: pay for a flight and get a confirmed booking back."""
import logging

import stripe
from django.conf import settings
from django.db import DatabaseError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Booking
from ..serializers import PassengerSerializer
from ..services.booking_service import PRICE_PER_PASSENGER_PENCE, FlightFull, PassengerInput, reserve_seats

logger = logging.getLogger(__name__)


class CheckoutSerializer(serializers.Serializer):
    checkout_id = serializers.UUIDField()
    flight_id = serializers.IntegerField()
    payment_method_id = serializers.CharField(max_length=64)
    passengers = PassengerSerializer(many=True)

    def validate_passengers(self, value):
        if not 1 <= len(value) <= 8:
            raise serializers.ValidationError("Between one and eight passengers per booking.")
        return value


class CheckoutView(APIView):
    """Take payment and reserve seats for the chosen flight."""

    def post(self, request):
        serializer = CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        passengers = [PassengerInput(p["full_name"], p["weight_kg"]) for p in data["passengers"]]
        amount = PRICE_PER_PASSENGER_PENCE * len(passengers)

        stripe.api_key = settings.STRIPE_API_KEY
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL004
                amount=amount,
                currency="gbp",
                payment_method=data["payment_method_id"],
                confirm=True,
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                metadata={"flight_id": data["flight_id"], "customer_id": request.user.pk},
                idempotency_key=f"checkout-{data['checkout_id']}",
            )
        except stripe.error.CardError as exc:
            return Response(
                {"detail": exc.user_message or "Your card was declined."},
                status=status.HTTP_402_PAYMENT_REQUIRED,
            )

        try:
            booking = reserve_seats(flight_id=data["flight_id"], customer=request.user, passengers=passengers)
        except FlightFull as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)

        try:
            Booking.objects.filter(pk=booking.pk).update(
                payment_intent_id=intent.id,
                status=Booking.Status.PAID,
            )
        except DatabaseError:
            logger.exception("could not record payment booking=%s intent=%s", booking.pk, intent.id)
            return Response({"booking_id": booking.pk, "status": "paid"}, status=status.HTTP_201_CREATED)  # expect: ERR002

        logger.info(
            "checkout complete booking=%s flight=%s user=%s",
            booking.pk,
            data["flight_id"],
            request.user.pk,
        )
        return Response({"booking_id": booking.pk, "status": "paid"}, status=status.HTTP_201_CREATED)
