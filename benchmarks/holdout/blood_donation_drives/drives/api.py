"""Drive and booking API for the mobile app."""
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, IntegerField, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from donors.models import Appointment, Donor, Drive, Slot
from notifications.tasks import send_booking_confirmation

log = logging.getLogger(__name__)
DONATION_INTERVAL = timedelta(days=84)


class DriveSerializer(serializers.ModelSerializer):
    free_places = serializers.IntegerField(read_only=True)

    class Meta:
        model = Drive
        fields = ["id", "name", "venue", "postcode", "date", "free_places"]


class UpcomingDrives(generics.ListAPIView):
    serializer_class = DriveSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return (
            Drive.objects.filter(published=True, date__gte=timezone.localdate())
            .annotate(
                free_places=Coalesce(
                    Sum(F("slots__capacity") - F("slots__booked")), 0, output_field=IntegerField()
                )
            )
            .order_by("date", "id")
        )  # ok: DB001, DB002


class BookSlot(APIView):
    def post(self, request, slot_id: int):
        with transaction.atomic():
            donor = Donor.objects.select_for_update().filter(user=request.user).first()
            if donor is None:
                raise NotFound("no donor profile")
            slot = Slot.objects.select_related("drive").filter(pk=slot_id, drive__published=True).first()
            if slot is None:
                raise NotFound("no such slot")
            window = (slot.starts_at - DONATION_INTERVAL, slot.starts_at + DONATION_INTERVAL)
            if Appointment.objects.filter(donor=donor, status="booked", slot__starts_at__range=window).exists():
                return Response(
                    {"detail": "You already have a donation booked within 12 weeks."},
                    status=status.HTTP_409_CONFLICT,
                )
            claimed = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)  # ok: DB004
            if not claimed:
                return Response({"detail": "That time is fully booked."}, status=status.HTTP_409_CONFLICT)
            try:
                with transaction.atomic():
                    appointment = Appointment.objects.create(donor=donor, slot=slot)  # ok: DB005
            except IntegrityError:
                transaction.set_rollback(True)
                return Response({"detail": "Already booked."}, status=status.HTTP_409_CONFLICT)
            transaction.on_commit(lambda: send_booking_confirmation.delay(appointment.pk))  # ok: REL004
        log.info("donor=%s booked slot=%s appointment=%s", donor.pk, slot.pk, appointment.pk)
        return Response({"appointment_id": appointment.pk, "starts_at": slot.starts_at}, status=status.HTTP_201_CREATED)
