"""Visitor berth bookings: search free berths at a marina, hold one, pay a deposit, cancel."""
import logging
from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import billing
from .models import Berth, BerthBooking, Marina
from .serializers import BerthBookingSerializer, BerthSerializer

log = logging.getLogger(__name__)

ACTIVE_STATUSES = (BerthBooking.HELD, BerthBooking.CONFIRMED)


class BerthBookingViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = BerthBookingSerializer

    def get_queryset(self):
        return BerthBooking.objects.select_related("berth__marina", "boat").order_by("-arrives")  # expect: SEC018

    def perform_create(self, serializer):
        berth = serializer.validated_data["berth"]
        arrives = serializer.validated_data["arrives"]
        departs = serializer.validated_data["departs"]

        clash = BerthBooking.objects.filter(
            berth=berth, status__in=ACTIVE_STATUSES, arrives__lt=departs, departs__gt=arrives
        ).exists()
        if clash:
            raise ValidationError({"berth": "already booked for some of those nights"})

        nights = (departs - arrives).days
        booking = serializer.save(  # expect: DB005
            owner=self.request.user, total_pence=nights * berth.nightly_pence, status=BerthBooking.HELD
        )
        log.info("berth %s held for booking %s by user %s", berth.pk, booking.pk, self.request.user.pk)

    @action(detail=True, methods=["post"])
    def deposit(self, request, pk=None):
        booking = self.get_object()
        if booking.status != BerthBooking.HELD:
            return Response({"error": "booking is not awaiting payment"}, status=status.HTTP_409_CONFLICT)
        client_secret = billing.create_booking_deposit(booking)  # todo-expect: ERR003
        return Response({"client_secret": client_secret})

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = self.get_object()
        if booking.arrives <= date.today():
            return Response({"error": "stay has already started"}, status=status.HTTP_409_CONFLICT)
        updated = BerthBooking.objects.filter(pk=booking.pk, status__in=ACTIVE_STATUSES).update(
            status=BerthBooking.CANCELLED
        )
        if not updated:
            return Response({"error": "already cancelled"}, status=status.HTTP_409_CONFLICT)
        log.info("booking %s cancelled by user %s", booking.pk, request.user.pk)
        return Response({"status": BerthBooking.CANCELLED})


class MarinaBerthViewSet(viewsets.ReadOnlyModelViewSet):
    """Berths at one marina; ``?arrives=&departs=&length=`` narrows to free ones that fit."""

    serializer_class = BerthSerializer

    def get_queryset(self):
        marina = get_object_or_404(Marina, code=self.kwargs["marina_code"])
        berths = Berth.objects.filter(marina=marina).select_related("marina").order_by("label")
        params = self.request.query_params
        if params.get("length"):
            berths = berths.filter(max_length_m__gte=params["length"])
        if params.get("arrives") and params.get("departs"):
            try:
                arrives = date.fromisoformat(params["arrives"])
                departs = date.fromisoformat(params["departs"])
            except ValueError:
                raise ValidationError({"dates": "use YYYY-MM-DD"})
            taken = Q(
                bookings__status__in=ACTIVE_STATUSES,
                bookings__arrives__lt=departs,
                bookings__departs__gt=arrives,
            )
            berths = berths.exclude(taken)
        return berths
