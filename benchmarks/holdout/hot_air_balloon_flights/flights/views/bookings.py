"""Booking endpoints for customers and the office team."""
import logging

from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..models import Booking, Flight, Passenger
from ..serializers import BookingCreateSerializer, BookingSerializer
from ..services.booking_service import PRICE_PER_PASSENGER_PENCE, release_seats

logger = logging.getLogger(__name__)


class BookingPagination(PageNumberPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"


class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BookingSerializer
    pagination_class = BookingPagination  # ok: DB002

    def get_queryset(self):
        queryset = Booking.objects.select_related("flight__site").prefetch_related("passenger_set")  # expect: SEC018
        queryset = queryset.order_by("-created_at")
        search = self.request.query_params.get("q")
        if search:
            queryset = queryset.filter(passenger_set__full_name__icontains=search).distinct()  # expect: DB006
        site = self.request.query_params.get("site")
        if site:
            queryset = queryset.filter(flight__site__slug=site)
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        flight = get_object_or_404(Flight, pk=data["flight_id"], status=Flight.Status.SCHEDULED)

        passengers = data["passengers"]
        total_weight = sum(p["weight_kg"] for p in passengers)
        booked = flight.bookings.exclude(status=Booking.Status.CANCELLED).aggregate(
            seats=Sum("passengers"), kg=Sum("total_weight_kg")
        )
        seats_taken = booked["seats"] or 0
        load_taken = booked["kg"] or 0
        if seats_taken + len(passengers) > flight.seats_total or load_taken + total_weight > flight.basket_max_kg:  # expect: DB005
            return Response(
                {"detail": "This flight cannot take your party. Please choose another morning."},
                status=status.HTTP_409_CONFLICT,
            )

        with transaction.atomic():
            booking = Booking.objects.create(
                flight=flight,
                customer=request.user,
                passengers=len(passengers),
                total_weight_kg=total_weight,
                amount_pence=PRICE_PER_PASSENGER_PENCE * len(passengers),
            )
            Passenger.objects.bulk_create(
                [Passenger(booking=booking, full_name=p["full_name"], weight_kg=p["weight_kg"]) for p in passengers]
            )
        logger.info("booking created booking=%s flight=%s user=%s", booking.pk, flight.pk, request.user.pk)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = self.get_object()
        if booking.status != Booking.Status.PENDING:
            return Response(
                {"detail": "Paid bookings are cancelled through the office."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        release_seats(booking)
        logger.info("booking cancelled booking=%s user=%s", booking.pk, request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
