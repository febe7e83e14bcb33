"""Stone set rentals for members hosting bonspiels or practising off-season."""

import logging
from datetime import date

import stripe
from django.conf import settings
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import StoneRental, StoneSet

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY


class RentalRequestSerializer(serializers.Serializer):
    stone_set_id = serializers.IntegerField(min_value=1)
    rent_date = serializers.DateField()

    def validate_rent_date(self, value: date) -> date:
        if value < date.today():
            raise serializers.ValidationError("Rental date is in the past.")
        return value


class RentalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StoneRental
        fields = ["id", "stone_set", "rent_date", "status", "amount_cents"]


class StoneRentalCreateView(APIView):
    def post(self, request):
        data = RentalRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = request.user.member
        stone_set = get_object_or_404(StoneSet, pk=data.validated_data["stone_set_id"], is_active=True)
        rent_date = data.validated_data["rent_date"]
        if not member.default_payment_method:
            return Response({"detail": "Add a card to your account first."}, status=status.HTTP_400_BAD_REQUEST)

        try:
            intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
                amount=stone_set.daily_rate_cents,
                currency=settings.CLUB_CURRENCY,
                customer=member.stripe_customer_id,
                payment_method=member.default_payment_method,
                off_session=True,
                confirm=True,
                description=f"Stone rental: {stone_set.name} on {rent_date}",
                metadata={"member_id": member.pk, "stone_set_id": stone_set.pk},
            )
        except stripe.error.CardError as exc:
            logger.warning("stone rental card declined for member %s: %s", member.pk, exc.user_message)
            return Response({"detail": exc.user_message}, status=status.HTTP_402_PAYMENT_REQUIRED)

        if StoneRental.objects.filter(stone_set=stone_set, rent_date=rent_date).exclude(status="cancelled").exists():
            return Response({"detail": "Those stones are already out that day."}, status=status.HTTP_409_CONFLICT)

        rental = StoneRental.objects.create(stone_set=stone_set, member=member, rent_date=rent_date, status="confirmed", amount_cents=stone_set.daily_rate_cents, payment_intent_id=intent.id)  # expect: DB005
        logger.info("stone rental %s confirmed for member %s (intent %s)", rental.pk, member.pk, intent.id)
        return Response(RentalSerializer(rental).data, status=status.HTTP_201_CREATED)


class MyRentalsView(APIView):
    def get(self, request):
        rentals = (
            StoneRental.objects.filter(member=request.user.member, rent_date__gte=date.today())
            .select_related("stone_set")
            .order_by("rent_date")[:50]
        )
        return Response(RentalSerializer(rentals, many=True).data)
