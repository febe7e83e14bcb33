"""Customer-facing booking endpoints (tuning visits)."""
import logging

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from notifications.mailer import send_booking_confirmation
from scheduling.models import Booking, Piano, Slot

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (Booking.Status.PENDING, Booking.Status.CONFIRMED)


def _booking_payload(booking):
    return {
        "id": booking.pk,
        "status": booking.status,
        "piano_id": booking.piano_id,
        "notes": booking.notes,
        "slot": {
            "id": booking.slot_id,
            "starts_at": booking.slot.starts_at.isoformat(),
            "ends_at": booking.slot.ends_at.isoformat(),
            "technician": booking.slot.technician.display_name,
        },
        "created_at": booking.created_at.isoformat(),
    }


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def create_booking(request):
    customer = request.user.customer
    piano = get_object_or_404(Piano, pk=request.data.get("piano_id"), owner=customer)  # ok: SEC018
    slot = get_object_or_404(Slot.objects.select_related("technician"), pk=request.data.get("slot_id"))

    if slot.starts_at <= timezone.now():
        return Response({"detail": "slot is in the past"}, status=status.HTTP_400_BAD_REQUEST)
    if slot.is_taken:
        return Response({"detail": "slot no longer available"}, status=status.HTTP_409_CONFLICT)

    with transaction.atomic():
        slot.is_taken = True
        slot.save(update_fields=["is_taken"])  # expect: DB005
        booking = Booking.objects.create(
            customer=customer,
            piano=piano,
            slot=slot,
            status=Booking.Status.CONFIRMED,
            notes=str(request.data.get("notes", ""))[:500],
        )

    send_booking_confirmation(booking)
    logger.info("booking %s created for customer %s slot %s", booking.pk, customer.pk, slot.pk)
    return Response(_booking_payload(booking), status=status.HTTP_201_CREATED)


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def booking_detail(request, booking_id):
    booking = get_object_or_404(Booking.objects.select_related("slot__technician"), pk=booking_id)  # expect: SEC018
    return Response(_booking_payload(booking))


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def cancel_booking(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, customer=request.user.customer)
    with transaction.atomic():
        cancelled = Booking.objects.filter(pk=booking.pk, status__in=ACTIVE_STATUSES).update(
            status=Booking.Status.CANCELLED
        )
        if cancelled:
            Slot.objects.filter(pk=booking.slot_id).update(is_taken=False)
    if not cancelled:
        return Response({"detail": "booking is not active"}, status=status.HTTP_409_CONFLICT)
    logger.info("booking %s cancelled by customer %s", booking.pk, booking.customer_id)
    return Response(status=status.HTTP_204_NO_CONTENT)


@api_view(["GET"])
@permission_classes([IsAdminUser])
def dispatcher_board(request):
    active = Booking.objects.select_related("slot__technician").filter(status__in=ACTIVE_STATUSES)
    bookings = list(active.order_by("slot__starts_at"))  # expect: DB002
    return Response({"count": len(bookings), "results": [_booking_payload(b) for b in bookings]})
