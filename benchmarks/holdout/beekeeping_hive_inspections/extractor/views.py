"""Booking the club's shared honey extractor from the members' site."""
import logging
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from members.models import Member

from .models import Extractor, ExtractorBooking

log = logging.getLogger(__name__)


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField()
    hours = forms.IntegerField(min_value=1, max_value=8)
    supers = forms.IntegerField(min_value=1, max_value=30)


@login_required
@require_GET
def day_schedule(request, extractor_id: int):
    extractor = get_object_or_404(Extractor, pk=extractor_id, active=True)
    day = timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    bookings = (
        ExtractorBooking.objects.confirmed()
        .filter(extractor=extractor, starts_at__gte=start, starts_at__lt=start + timedelta(days=7))
        .select_related("member__user")
    )
    return JsonResponse({"extractor": extractor.name, "bookings": [
        {"starts_at": b.starts_at.isoformat(), "ends_at": b.ends_at.isoformat(),
         "member": b.member.user.get_short_name()}
        for b in bookings
    ]})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def book_extractor(request, extractor_id: int):
    extractor = get_object_or_404(Extractor, pk=extractor_id, active=True)
    member = get_object_or_404(Member, user=request.user, status=Member.ACTIVE)
    form = BookingForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    if form.cleaned_data["hours"] > extractor.max_booking_hours:
        return JsonResponse({"error": f"Bookings are limited to {extractor.max_booking_hours} hours."},
                            status=400)

    starts_at = form.cleaned_data["starts_at"]
    ends_at = starts_at + timedelta(hours=form.cleaned_data["hours"])
    if ExtractorBooking.objects.clashing(extractor.pk, starts_at, ends_at).exists():  # expect: DB005
        return JsonResponse({"error": "The extractor is already booked for part of that time."},
                            status=409)
    if member.extraction_credits < 1:
        return JsonResponse({"error": "You have used all your extractor sessions this season."},
                            status=409)

    booking = ExtractorBooking.objects.create(
        extractor=extractor, member=member, starts_at=starts_at, ends_at=ends_at,
        supers=form.cleaned_data["supers"],
    )
    member.extraction_credits -= 1
    member.save(update_fields=["extraction_credits"])  # expect: DB004
    log.info("extractor %s booked by member %s (booking %s)", extractor.pk, member.pk, booking.pk)
    return JsonResponse({"id": booking.pk, "starts_at": starts_at.isoformat(),
                         "ends_at": ends_at.isoformat(),
                         "credits_left": member.extraction_credits}, status=201)


@login_required
@require_POST
def cancel_booking(request, booking_id: int):
    cancelled = ExtractorBooking.objects.filter(
        pk=booking_id, member__user=request.user, status=ExtractorBooking.CONFIRMED,
    ).update(status=ExtractorBooking.CANCELLED)
    if not cancelled:
        return JsonResponse({"error": "No confirmed booking with that id."}, status=404)
    Member.objects.filter(user=request.user).update(extraction_credits=F("extraction_credits") + 1)
    log.info("extractor booking %s cancelled by user %s", booking_id, request.user.pk)
    return JsonResponse({"id": booking_id, "status": ExtractorBooking.CANCELLED})
