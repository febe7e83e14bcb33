"""Member pages for booking the co-op's shared honey extractors and uncapping trays."""
import datetime
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rentals.deposit_tasks import refund_rental_deposit
from rentals.forms import BookingForm
from rentals.models import Extractor, ExtractorBooking

logger = logging.getLogger(__name__)

MAX_DAYS = 3
CALENDAR_WEEKS = 4


@login_required
def extractor_calendar(request):
    today = timezone.localdate()
    horizon = today + datetime.timedelta(weeks=CALENDAR_WEEKS)
    bookings = ExtractorBooking.objects.filter(
        status=ExtractorBooking.Status.CONFIRMED, end_day__gte=today, start_day__lte=horizon
    ).order_by("start_day")
    rows = []
    for booking in bookings:  # expect: DB001
        rows.append(
            {
                "extractor": booking.extractor.name,
                "member": booking.member.display_name,
                "start": booking.start_day,
                "end": booking.end_day,
            }
        )
    extractors = Extractor.objects.filter(in_service=True).order_by("name")
    return render(request, "rentals/calendar.html", {"rows": rows, "extractors": extractors})


@login_required
@require_http_methods(["GET", "POST"])
def book_extractor(request, extractor_id):
    extractor = get_object_or_404(Extractor, pk=extractor_id, in_service=True)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start_day"]
        end = form.cleaned_data["end_day"]
        if (end - start).days + 1 > MAX_DAYS:
            form.add_error("end_day", f"Bookings are limited to {MAX_DAYS} days so everyone gets a turn.")
        else:
            clash = ExtractorBooking.objects.filter(
                extractor=extractor,
                status=ExtractorBooking.Status.CONFIRMED,
                start_day__lte=end,
                end_day__gte=start,
            ).exists()
            if clash:
                form.add_error(None, "That extractor is already booked for some of those days.")
            else:
                booking = ExtractorBooking.objects.create(  # expect: DB005
                    extractor=extractor,
                    member=request.user.member,
                    start_day=start,
                    end_day=end,
                    deposit_pence=extractor.deposit_pence,
                    status=ExtractorBooking.Status.CONFIRMED,
                )
                logger.info(
                    "extractor %s booked by member %s for %s..%s (booking %s)",
                    extractor.pk, request.user.member.pk, start, end, booking.pk,
                )
                messages.success(request, f"{extractor.name} is yours from {start:%a %d %b}.")
                return redirect("rentals:my-bookings")
    return render(request, "rentals/book.html", {"form": form, "extractor": extractor})


@login_required
def my_bookings(request):
    bookings = (
        ExtractorBooking.objects.filter(member=request.user.member)
        .select_related("extractor")
        .order_by("-start_day")[:50]
    )
    return render(request, "rentals/my_bookings.html", {"bookings": bookings})


@login_required
@require_POST
def cancel_booking(request, booking_id):
    booking = get_object_or_404(ExtractorBooking, pk=booking_id, member=request.user.member)  # ok: SEC018
    if booking.start_day <= timezone.localdate():
        messages.error(request, "Bookings can't be cancelled on or after the first day.")
        return redirect("rentals:my-bookings")
    with transaction.atomic():
        updated = ExtractorBooking.objects.filter(
            pk=booking.pk, status=ExtractorBooking.Status.CONFIRMED
        ).update(status=ExtractorBooking.Status.CANCELLED)
        if updated and booking.deposit_intent_id:
            transaction.on_commit(lambda: refund_rental_deposit.delay(booking.pk))  # ok: REL004
    messages.success(request, "Booking cancelled; your deposit will be refunded within a few days.")
    return redirect("rentals:my-bookings")
