"""Hold-then-pay checkout: seats are reserved first, then the card is charged.

A hold takes the seats with a conditional UPDATE, so two students can never
both get the last seat. The charge carries the hold id as its idempotency key;
the payment_intent.succeeded webhook confirms holds whose request died after
the charge went through.
"""
import datetime as dt
import logging

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Booking, SeatHold, WorkshopSession
from .serializers import BookingSerializer, HoldConfirmSerializer, HoldCreateSerializer

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY
HOLD_MINUTES = 10
# Longer than a Stripe call can take, so a hold being paid for is never released.
HOLD_GRACE = dt.timedelta(minutes=5)


class SeatsUnavailable(Exception):
    pass


def hold_seats(session_id: int, user, seats: int) -> SeatHold:
    with transaction.atomic():
        taken = WorkshopSession.objects.filter(  # ok: DB004, DB005
            pk=session_id, starts_at__gt=timezone.now(), seats_taken__lte=F("capacity") - seats
        ).update(seats_taken=F("seats_taken") + seats)
        if taken == 0:
            raise SeatsUnavailable(session_id)
        return SeatHold.objects.create(
            session_id=session_id, user=user, seats=seats,
            expires_at=timezone.now() + dt.timedelta(minutes=HOLD_MINUTES),
        )


def _release(hold: SeatHold) -> None:
    WorkshopSession.objects.filter(pk=hold.session_id).update(seats_taken=F("seats_taken") - hold.seats)
    hold.delete()


class HoldCreateView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, session_id: int):
        serializer = HoldCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            hold = hold_seats(session_id, request.user, serializer.validated_data["seats"])
        except SeatsUnavailable:
            return Response({"detail": "Not enough seats left."}, status=status.HTTP_409_CONFLICT)
        return Response({"hold_id": hold.pk, "expires_at": hold.expires_at}, status=status.HTTP_201_CREATED)


class HoldConfirmView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, hold_id: int):
        serializer = HoldConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = get_object_or_404(
            SeatHold.objects.select_related("session__workshop"), pk=hold_id, user=request.user
        )
        if hold.booking_id:
            return Response(BookingSerializer(hold.booking).data)
        if hold.expires_at <= timezone.now():
            return Response({"detail": "Your hold has expired."}, status=status.HTTP_410_GONE)
        amount = hold.session.workshop.price_cents * hold.seats
        try:
            intent = stripe.PaymentIntent.create(  # ok: REL003, REL004
                amount=amount, currency="usd", payment_method=serializer.validated_data["payment_method"],
                confirm=True, automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                idempotency_key=f"seat-hold-{hold.pk}", metadata={"hold_id": hold.pk},
            )
        except stripe.error.CardError as exc:
            return Response({"detail": exc.user_message or "Card declined."}, status=status.HTTP_402_PAYMENT_REQUIRED)
        with transaction.atomic():
            booking, _ = Booking.objects.get_or_create(
                payment_intent_id=intent.id,
                defaults={"session_id": hold.session_id, "user": request.user, "seats": hold.seats,
                          "amount_cents": amount, "status": "confirmed"},
            )
            SeatHold.objects.filter(pk=hold.pk).update(booking=booking, expires_at=None)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


@shared_task
def expire_holds() -> int:
    """Give back seats of unpaid holds, a grace period after they expired."""
    cutoff = timezone.now() - HOLD_GRACE
    with transaction.atomic():
        holds = list(
            SeatHold.objects.select_for_update(skip_locked=True)
            .filter(booking__isnull=True, expires_at__lt=cutoff)
            .order_by("pk")[:500]
        )
        for hold in holds:
            _release(hold)
    logger.info("released %d expired seat holds", len(holds))
    return len(holds)
