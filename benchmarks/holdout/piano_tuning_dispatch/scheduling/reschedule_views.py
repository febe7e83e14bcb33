"""Booking changes made from the customer app: reschedule, list, open slots."""
import logging
from datetime import timedelta

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.tasks import queue_booking_email
from scheduling.booking_views import ACTIVE_STATUSES, _booking_payload
from scheduling.models import Booking, Slot

logger = logging.getLogger(__name__)

MIN_NOTICE = timedelta(hours=24)


class RescheduleBookingView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, booking_id):
        new_slot_id = request.data.get("slot_id")
        if not isinstance(new_slot_id, int):
            return Response({"detail": "slot_id must be an integer"}, status=status.HTTP_400_BAD_REQUEST)

        with transaction.atomic():
            locked = Booking.objects.select_for_update()
            booking = get_object_or_404(locked, pk=booking_id, customer=request.user.customer)  # ok: SEC018
            if booking.status not in ACTIVE_STATUSES:
                return Response({"detail": "booking is not active"}, status=status.HTTP_409_CONFLICT)

            earliest = timezone.now() + MIN_NOTICE
            open_slot = Slot.objects.filter(pk=new_slot_id, is_taken=False, starts_at__gte=earliest)
            claimed = open_slot.update(is_taken=True)  # ok: DB005
            if not claimed:
                return Response({"detail": "slot no longer available"}, status=status.HTTP_409_CONFLICT)

            Slot.objects.filter(pk=booking.slot_id).update(is_taken=False)
            booking.slot_id = new_slot_id
            booking.save(update_fields=["slot", "updated_at"])  # ok: DB004
            queue_booking_email(booking.pk, "rescheduled")

        logger.info("booking %s moved to slot %s", booking.pk, new_slot_id)
        booking = Booking.objects.select_related("slot__technician").get(pk=booking.pk)
        return Response(_booking_payload(booking))


class MyBookingsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        queryset = (
            Booking.objects.filter(customer=request.user.customer)
            .select_related("slot__technician")
            .order_by("-created_at")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)  # ok: DB002
        return paginator.get_paginated_response([_booking_payload(b) for b in page])  # ok: DB001


class OpenSlotsView(APIView):
    permission_classes = [IsAuthenticated]
    max_results = 100

    def get(self, request):
        region = request.query_params.get("region", "").strip()
        if not region:
            return Response({"detail": "region is required"}, status=status.HTTP_400_BAD_REQUEST)
        slots = (
            Slot.objects.filter(is_taken=False, starts_at__gte=timezone.now() + MIN_NOTICE, technician__region=region)
            .select_related("technician")
            .order_by("starts_at")[: self.max_results]
        )
        return Response(
            [
                {
                    "id": s.pk,
                    "starts_at": s.starts_at.isoformat(),
                    "ends_at": s.ends_at.isoformat(),
                    "technician": s.technician.display_name,
                }
                for s in slots
            ]
        )
