"""Member-facing booking endpoints (JSON, session-authenticated)."""
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from calendar_sync.push import push_room_booking

from .forms import DeskBookingForm, RoomBookingForm
from .models import DeskBooking, MeetingRoom, RoomBooking

logger = logging.getLogger(__name__)


def _overlapping_slots(slot: str) -> Q:
    if slot == DeskBooking.Slot.FULL_DAY:
        return Q()
    return Q(slot=slot) | Q(slot=DeskBooking.Slot.FULL_DAY)


@login_required
@require_POST
def book_desk(request):
    form = DeskBookingForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    desk = form.cleaned_data["desk"]
    day = form.cleaned_data["date"]
    slot = form.cleaned_data["slot"]
    member = request.user.member

    taken = DeskBooking.objects.filter(desk=desk, date=day, cancelled_at__isnull=True).filter(_overlapping_slots(slot))
    if taken.exists():
        return JsonResponse({"error": "This desk is already booked for that slot."}, status=409)
    booking = DeskBooking.objects.create(member=member, desk=desk, date=day, slot=slot)  # expect: DB005
    logger.info("desk booking %s created for member %s", booking.pk, member.pk)
    return JsonResponse({"id": booking.pk, "desk": desk.label, "date": day.isoformat(), "slot": slot}, status=201)


@login_required
@require_POST
def book_room(request):
    form = RoomBookingForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    with transaction.atomic():
        room = MeetingRoom.objects.select_for_update().get(pk=data["room"].pk)
        clash = RoomBooking.objects.filter(
            room=room,
            status=RoomBooking.Status.CONFIRMED,
            starts_at__lt=data["ends_at"],
            ends_at__gt=data["starts_at"],
        ).exists()  # ok: DB005
        if clash:
            return JsonResponse({"error": "The room is already booked at that time."}, status=409)
        booking = RoomBooking.objects.create(
            member=request.user.member,
            room=room,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
        )
        transaction.on_commit(lambda: push_room_booking.delay(booking.pk))  # ok: REL004
    logger.info("room booking %s created for member %s", booking.pk, booking.member_id)
    return JsonResponse({"id": booking.pk, "uuid": str(booking.uuid)}, status=201)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def cancel_desk_booking(request, booking_id: int):
    booking = get_object_or_404(DeskBooking, pk=booking_id)  # todo-expect: SEC018
    if booking.cancelled_at is not None:
        return JsonResponse({"status": "cancelled"})
    if booking.date < timezone.localdate():
        return JsonResponse({"error": "Past bookings cannot be cancelled."}, status=409)
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    logger.info("desk booking %s cancelled by user %s", booking.pk, request.user.pk)
    return JsonResponse({"status": "cancelled"})


@login_required
@require_GET
def my_upcoming_bookings(request):
    member = request.user.member
    desks = (
        DeskBooking.objects.filter(member=member, date__gte=timezone.localdate(), cancelled_at__isnull=True)
        .select_related("desk")
        .order_by("date")[:50]
    )
    rooms = (
        RoomBooking.objects.filter(member=member, status=RoomBooking.Status.CONFIRMED, starts_at__gte=timezone.now())
        .select_related("room")
        .order_by("starts_at")[:50]
    )
    return JsonResponse(
        {
            "desks": [{"id": b.pk, "desk": b.desk.label, "date": b.date.isoformat(), "slot": b.slot} for b in desks],
            "rooms": [{"id": b.pk, "room": b.room.name, "starts_at": b.starts_at.isoformat()} for b in rooms],
        }
    )
