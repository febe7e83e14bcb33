"""E-signature links for consent forms.

Clients who have not uploaded a scanned form get a link by e-mail, open it on
their phone and sign in the browser.
"""
import logging
import random
import string
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.models import Booking, ConsentForm

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(hours=48)
TOKEN_ALPHABET = string.ascii_letters + string.digits


def _make_token(length: int = 32) -> str:
    return "".join(random.choices(TOKEN_ALPHABET, k=length))  # expect: SEC010


def send_signing_link(booking: Booking) -> str:
    form, _ = ConsentForm.objects.get_or_create(booking=booking)
    form.signing_token = _make_token()
    form.signing_expires_at = timezone.now() + LINK_LIFETIME
    form.save(update_fields=["signing_token", "signing_expires_at"])

    url = f"{settings.SITE_URL}/consent/sign/{form.signing_token}/"
    try:
        send_mail(
            subject="Please sign your consent form",
            message=(f"Hi {booking.client.name},\n\nBefore your session on "
                     f"{booking.starts_at:%d %B} please read and sign the consent form:\n{url}\n\n"
                     "The link works for 48 hours."),
            from_email=None,
            recipient_list=[booking.client.email],
        )
    except Exception:  # expect: ERR001
        pass
    return url


def _form_for_token(token: str) -> ConsentForm:
    form = get_object_or_404(ConsentForm.objects.select_related("booking__client"), signing_token=token)
    if form.signing_expires_at is None or form.signing_expires_at < timezone.now():
        raise Http404("This link has expired.")
    return form


def consent_details(request, token):
    form = _form_for_token(token)
    booking = form.booking
    return JsonResponse({
        "client": booking.client.name,
        "session_date": booking.starts_at.date().isoformat(),
        "placement": booking.placement,
        "already_signed": form.signed_at is not None,
    })


@require_POST
def sign_consent(request, token):
    form = _form_for_token(token)
    if request.POST.get("agree") != "yes" or not request.POST.get("full_name", "").strip():
        return JsonResponse({"error": "Type your full name and tick the box to sign."}, status=400)
    updated = ConsentForm.objects.filter(pk=form.pk, signed_at__isnull=True).update(
        signed_at=timezone.now(),
        signed_ip=request.META.get("REMOTE_ADDR"),
        signing_token="",
    )
    if not updated:
        return JsonResponse({"error": "This form has already been signed."}, status=409)
    logger.info("consent signed booking=%s", form.booking_id)
    return JsonResponse({"signed": True})
