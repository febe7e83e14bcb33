"""Client-facing booking requests."""
import logging
from datetime import timedelta
from smtplib import SMTPException

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Artist, Booking, Client

logger = logging.getLogger(__name__)


class BookingRequestForm(forms.Form):
    starts_at = forms.DateTimeField()
    hours = forms.IntegerField(min_value=1, max_value=8)
    placement = forms.CharField(max_length=60)
    design_notes = forms.CharField(max_length=4000, required=False)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value < timezone.now() + timedelta(hours=24):
            raise forms.ValidationError("Bookings must be made at least a day ahead.")
        return value


@login_required
@require_POST
def request_booking(request, artist_slug):
    artist = get_object_or_404(Artist, slug=artist_slug, is_active=True)
    form = BookingRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)

    starts_at = form.cleaned_data["starts_at"]
    ends_at = starts_at + timedelta(hours=form.cleaned_data["hours"])
    clash = Booking.objects.filter(
        artist=artist,
        status__in=Booking.ACTIVE,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()
    if clash:
        return JsonResponse({"error": "That time is no longer available."}, status=409)

    client, _ = Client.objects.get_or_create(  # ok: DB005
        user=request.user,
        defaults={"name": request.user.get_full_name() or request.user.username, "email": request.user.email},
    )
    booking = Booking.objects.create(  # expect: DB005
        artist=artist,
        client=client,
        starts_at=starts_at,
        ends_at=ends_at,
        placement=form.cleaned_data["placement"],
        design_notes=form.cleaned_data["design_notes"],
    )

    try:
        send_mail(
            subject=f"Booking request with {artist.display_name}",
            message=(f"Thanks {client.name}! Your slot on {starts_at:%A %d %B at %H:%M} is held for 48 hours. "
                     f"Pay the £{artist.deposit_cents / 100:.2f} deposit to confirm it."),
            from_email=None,
            recipient_list=[client.email],
        )
    except SMTPException:
        logger.warning("booking email failed booking=%s", booking.id, exc_info=True)

    return JsonResponse({"id": booking.id, "status": booking.status, "deposit_cents": artist.deposit_cents},
                        status=201)


@login_required
@require_POST
def cancel_booking(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, client__user=request.user)  # ok: SEC018
    if booking.starts_at - timezone.now() < timedelta(hours=48):
        return JsonResponse({"error": "Bookings can only be cancelled 48 hours ahead."}, status=409)
    updated = Booking.objects.filter(pk=booking.pk, status__in=Booking.ACTIVE).update(
        status=Booking.Status.CANCELLED
    )
    if not updated:
        return JsonResponse({"error": "Booking is not active."}, status=409)
    logger.info("booking cancelled booking=%s user=%s", booking.id, request.user.id)
    return JsonResponse({"id": booking.id, "status": Booking.Status.CANCELLED})
