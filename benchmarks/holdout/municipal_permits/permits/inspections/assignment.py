"""Inspection booking with an atomic slot claim and a queued confirmation e-mail."""
import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from permits.letters.dispatch import send_plain_email
from permits.models import Inspection, InspectorSlot, PermitApplication

logger = logging.getLogger(__name__)


class SlotFull(Exception):
    pass


@transaction.atomic
def book_inspection(application: PermitApplication, slot_id: int) -> Inspection:
    claimed = InspectorSlot.objects.filter(
        pk=slot_id, starts_at__gt=timezone.now(), booked_count__lt=F("capacity")
    ).update(booked_count=F("booked_count") + 1)  # ok: DB004
    if not claimed:
        raise SlotFull(slot_id)
    inspection = Inspection.objects.create(application=application, slot_id=slot_id)
    transaction.on_commit(lambda: send_inspection_confirmation.delay(inspection.pk))
    return inspection


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_inspection_confirmation(self, inspection_id: int) -> None:
    inspection = Inspection.objects.select_related("application__applicant", "slot__inspector").get(
        pk=inspection_id
    )
    if inspection.confirmation_sent_at is not None:
        return
    applicant = inspection.application.applicant
    send_plain_email(
        to=applicant.email,
        subject=f"Inspection booked for {inspection.application.reference}",
        body=(f"Hello {applicant.first_name},\n\nYour inspection is booked for "
              f"{timezone.localtime(inspection.slot.starts_at):%A %d %B at %H:%M} with "
              f"{inspection.slot.inspector.get_full_name()}.\n"),
        message_id=f"<inspection-{inspection.pk}@permits.cityofbrookvale.gov>",
    )
    Inspection.objects.filter(pk=inspection.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )


class BookingSerializer(serializers.Serializer):
    slot_id = serializers.IntegerField(min_value=1)


class BookInspectionAPI(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, application_id: int):
        body = BookingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = get_object_or_404(
            PermitApplication, pk=application_id, applicant=request.user,
            kind=PermitApplication.Kind.BUILDING,
        )
        try:
            inspection = book_inspection(application, body.validated_data["slot_id"])
        except SlotFull:
            return Response({"detail": "that slot is full, please pick another"},
                            status=status.HTTP_409_CONFLICT)
        except IntegrityError:
            return Response({"detail": "this slot is already booked for your application"},
                            status=status.HTTP_409_CONFLICT)
        logger.info("inspection %s booked for application %s by user %s",
                    inspection.pk, application.pk, request.user.pk)
        return Response({"inspection_id": inspection.pk}, status=status.HTTP_201_CREATED)
