"""Public tasting reservation API used by the website booking widget."""
import logging
import random
import string
from datetime import datetime, timedelta

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from .models import Reservation, TastingSlot

log = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY


class BookingRequest(serializers.Serializer):
    slot_id = serializers.IntegerField()
    party_size = serializers.IntegerField(min_value=1, max_value=8)
    payment_method = serializers.CharField(max_length=64)


class ReservationOut(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    experience = serializers.CharField(source="slot.experience")

    class Meta:
        model = Reservation
        fields = ["id", "confirmation_code", "status", "party_size", "starts_at", "experience"]


def _confirmation_code() -> str:
    return "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # expect: SEC010


@api_view(["GET"])
@permission_classes([AllowAny])
def availability(request):
    try:
        day = datetime.strptime(request.query_params.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        return Response({"detail": "date must be YYYY-MM-DD."}, status=status.HTTP_400_BAD_REQUEST)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    slots = (
        TastingSlot.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1), members_only=False)
        .annotate(booked=Sum("reservations__party_size", filter=~Q(reservations__status="cancelled")))
        .order_by("starts_at")
    )
    return Response([
        {"id": s.id, "experience": s.experience, "starts_at": s.starts_at,
         "price": s.price_cents / 100, "seats_left": max(s.capacity - (s.booked or 0), 0)}
        for s in slots
    ])


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def book(request):
    req = BookingRequest(data=request.data)
    req.is_valid(raise_exception=True)
    slot = get_object_or_404(TastingSlot, pk=req.validated_data["slot_id"], members_only=False)
    party = req.validated_data["party_size"]

    intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
        amount=slot.price_cents * party,
        currency="usd",
        payment_method=req.validated_data["payment_method"],
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        receipt_email=request.user.email,
        metadata={"slot_id": slot.pk, "user_id": request.user.pk},
    )
    booked = slot.reservations.exclude(status=Reservation.Status.CANCELLED).aggregate(n=Sum("party_size"))["n"] or 0
    if booked + party > slot.capacity:
        return Response({"detail": "Not enough seats left for this tasting."}, status=status.HTTP_409_CONFLICT)
    reservation = Reservation.objects.create(slot=slot, guest=request.user, party_size=party, status=Reservation.Status.CONFIRMED, confirmation_code=_confirmation_code(), payment_intent_id=intent.id)  # expect: DB005

    try:
        send_mail(
            subject=f"Your tasting on {slot.starts_at:%A %B %d}",
            message=f"See you at {slot.starts_at:%I:%M %p}. Confirmation code: {reservation.confirmation_code}",
            from_email=None,
            recipient_list=[request.user.email],
        )
    except Exception:  # expect: ERR001
        pass
    log.info("reservation %s booked by user %s for slot %s", reservation.pk, request.user.pk, slot.pk)
    return Response(ReservationOut(reservation).data, status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def cancel(request, reservation_id: int):
    reservation = get_object_or_404(Reservation, pk=reservation_id)  # expect: SEC018
    if reservation.status == Reservation.Status.CANCELLED:
        return Response(status=status.HTTP_204_NO_CONTENT)
    reservation.status = Reservation.Status.CANCELLED
    reservation.save(update_fields=["status"])
    log.info("reservation %s cancelled by user %s", reservation.pk, request.user.pk)
    return Response(status=status.HTTP_204_NO_CONTENT)


@api_view(["GET"])
@permission_classes([AllowAny])
def lookup(request, code: str):
    reservation = get_object_or_404(Reservation.objects.select_related("slot"), confirmation_code=code.upper())
    return Response(ReservationOut(reservation).data)
